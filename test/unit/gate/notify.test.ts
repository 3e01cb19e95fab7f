// Notifiers: a command gets the filled-in argv and the JSON body; a webhook is retried on failure and bounded
// in time; nothing a notifier does blocks the caller.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Notifier, fillTemplate, type NotifierSpec } from '../../../src/gate/notify.js';
import type { EscalationNotice } from '../../../src/gate/supervisor.js';
import { notifySchema } from '../../../src/policy/schema.js';

const notice: EscalationNotice = {
  call: 's.t1',
  worker: 'w1',
  worker_id: 'wid',
  tool: 'Bash',
  input: { command: 'git push' },
  summary: 'git push',
  rule: 'git-push',
  reason: 'needs a person',
  opened_at: '2030-01-01T00:00:00.000Z',
  deadline: '2030-01-01T00:10:00.000Z',
  policy: [],
  to: 'human',
};

let dir: string;
let server: http.Server | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-notify-'));
});
afterEach(() => {
  server?.close();
  server = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

function notifier(specs: NotifierSpec[]) {
  return new Notifier({ logger: pino({ level: 'silent' }), configFor: () => specs, backoffMs: () => 10 });
}

async function serve(handler: (n: number, body: string, res: http.ServerResponse) => void): Promise<string> {
  let n = 0;
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => handler(++n, body, res));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hook`;
}

describe('notifiers', () => {
  it('the policy block validates commands and webhooks, with bounds', () => {
    expect(
      notifySchema.safeParse([
        { command: ['notify-send', '{worker}'] },
        { webhook: 'https://x.example/h', headers: { a: 'b' }, timeout: '5s', retries: 3 },
      ]).success,
    ).toBe(true);
    expect(notifySchema.safeParse([{ webhook: 'ftp://x' }]).success).toBe(false);
    expect(notifySchema.safeParse([{ command: ['x'], timeout: '5m' }]).success).toBe(false);
    expect(notifySchema.safeParse([{ command: ['x'], retries: 50 }]).success).toBe(false);
    expect(notifySchema.safeParse([{ command: ['x'], webhook: 'https://x' }]).success).toBe(false);
  });

  it('fills placeholders without a shell', () => {
    expect(fillTemplate('{worker} wants {tool}: {summary} ($HOME `x`)', notice)).toBe(
      'w1 wants Bash: git push ($HOME `x`)',
    );
  });

  it('runs a command with the JSON body on stdin, without blocking the caller', async () => {
    const out = path.join(dir, 'out');
    const n = notifier([
      { command: ['/bin/sh', '-c', `sleep 1; cat > ${out}; echo "$1" >> ${out}`, 'sh', '{worker}:{rule}'] },
    ]);
    const t0 = Date.now();
    n.escalation(notice);
    expect(Date.now() - t0).toBeLessThan(800); // spawned, not waited for (the command sleeps 1 s first)
    expect(fs.existsSync(out)).toBe(false);
    await n.drain(5000);
    const [body, arg] = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(JSON.parse(body!)).toMatchObject({
      event: 'escalation',
      call: 's.t1',
      rule: 'git-push',
      approve: expect.stringContaining('toolgate approve s.t1'),
    });
    expect(arg).toBe('w1:git-push');
  });

  it('retries a failing webhook and stops after success', async () => {
    const bodies: string[] = [];
    const url = await serve((i, body, res) => {
      bodies.push(body);
      res.statusCode = i < 3 ? 500 : 200;
      res.end();
    });
    const n = notifier([{ webhook: url, retries: 4, headers: { authorization: 'Bearer t' } }]);
    n.escalation(notice);
    await n.drain(5000);
    expect(bodies).toHaveLength(3);
    expect(JSON.parse(bodies[2]!)).toMatchObject({ call: 's.t1', worker: 'w1' });
  });

  it('bounds a hanging webhook and a hanging command by their timeout and retries', async () => {
    let hits = 0;
    const url = await serve(() => {
      hits++; // never answers
    });
    const n = notifier([
      { webhook: url, timeout: 1, retries: 1 },
      { command: ['/bin/sleep', '30'], timeout: 1, retries: 0 },
    ]);
    const t0 = Date.now();
    n.escalation(notice);
    await n.drain(10_000);
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(hits).toBe(2);
  });

  it('a command that times out is killed with everything it started (its process group)', async () => {
    const pidFile = path.join(dir, 'child.pid');
    const n = notifier([
      {
        command: ['/bin/sh', '-c', `sleep 30 & echo $! > ${pidFile}; wait`],
        timeout: 1,
        retries: 0,
      },
    ]);
    n.escalation(notice);
    await n.drain(10_000);
    const child = Number(fs.readFileSync(pidFile, 'utf8').trim());
    expect(child).toBeGreaterThan(0);
    // Gone, or at most a zombie waiting for its new parent to reap it: it no longer runs.
    const running = () => {
      try {
        const stat = fs.readFileSync(`/proc/${child}/stat`, 'utf8');
        return !/^\d+ \(.*\) Z /.test(stat);
      } catch {
        return false;
      }
    };
    const end = Date.now() + 3000;
    while (running() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const still = running();
    if (still) process.kill(child, 'SIGKILL'); // leave nothing behind even when the test fails
    expect(still).toBe(false);
  });

  it('a command that does not exist is logged, not thrown', async () => {
    const n = notifier([{ command: ['/nonexistent/notify'], retries: 1 }]);
    n.escalation(notice);
    await n.drain(5000);
  });
});

// The worker toolkit end to end: real tmux, the pinned Claude Code CLI, the scripted model.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRig, eventsOf, type Rig } from '../helpers/rig.js';

let rig: Rig;
let ws: string;
let sid: string;

beforeAll(async () => {
  rig = await createRig([
    { name: 'hello', steps: [], final: 'hello from the worker' },
    {
      name: 'measure',
      steps: [],
      // Claude Code 2.1.330 wraps a long paste in <pasted_content> tags: measure what is inside them.
      final: (c) => {
        const inner = c.prompt
          .replace(/^\s*<pasted_content[^>]*>\n/, '')
          .replace(/\n<\/pasted_content[^>]*>\s*$/, '');
        return `len=${inner.length} lines=${inner.split('\n').length}`;
      },
    },
    {
      name: 'touch',
      steps: [
        {
          text: 'touching',
          tools: [
            { name: 'Bash', input: { command: 'touch marker-touch && echo touched', description: 'touch' } },
          ],
        },
      ],
      final: (c) => `result: ${c.lastResults[0]?.content ?? ''}`,
    },
    {
      name: 'spec',
      steps: [{ tools: [{ name: 'Write', input: { file_path: '', content: 'SPEC-CONTENT-42\n' } }] }],
      final: 'spec written',
    },
    {
      name: 'readspec',
      steps: [
        (c) => ({
          tools: [
            { name: 'Bash', input: { command: `cat ${c.prompt.split(' ').pop()}`, description: 'read' } },
          ],
        }),
      ],
      final: (c) => `implemented from: ${c.lastResults[0]?.content.trim() ?? ''}`,
    },
  ]);
  ws = rig.workspace('ws');
  sid = await rig.launch('w1', ws);
});

afterAll(async () => {
  await rig?.close();
});

describe('launch', () => {
  it('prints the session id, tmux name and events file, and records session_start with cwd and transcript', () => {
    const ev = eventsOf(rig, sid);
    expect(ev[0]).toMatchObject({ seq: 1, event: 'session_start', session_id: sid, cwd: ws });
    expect(String(ev[0]!.transcript_path)).toContain(sid);
    expect(fs.existsSync(path.join(rig.stateDir, 'workers', `${sid}.json`))).toBe(true);
  });

  it('rejects a tmux-hostile name before starting anything (exit 2)', async () => {
    const r = await rig.toolgate(['launch', '--name', 'bad.name', '--workdir', ws]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('NAME_INVALID');
    const r2 = await rig.toolgate(['launch', '--name', '../x', '--workdir', ws]);
    expect(r2.code).toBe(2);
  });

  it('refuses a name already in use, and a prefix of it does not count as taken', async () => {
    const r = await rig.toolgate(['launch', '--name', 'w1', '--workdir', ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('NAME_TAKEN');
  });

  it('refuses to start when the user settings switch hooks off', async () => {
    // Another HOME: the running w1 re-reads this rig's user settings, and would lose its hooks (and be stopped).
    const home = path.join(rig.dir, 'home-nohooks');
    const settings = path.join(home, '.claude', 'settings.json');
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(settings, JSON.stringify({ disableAllHooks: true }));
    const r = await rig.toolgate(['launch', '--name', 'nohooks', '--workdir', ws], { env: { HOME: home } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('HOOKS_DISABLED');
    expect(r.stderr).toContain('disableAllHooks');
  });
});

describe('converse, send, wait, events, turn', () => {
  it('converse prints the final reply of the turn', async () => {
    const r = await rig.toolgate(['converse', 'w1', '<<S:hello>> say hi']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('hello from the worker');
    expect(r.code).toBe(0);
  });

  it('names the worker by session id as well as by name', async () => {
    const r = await rig.toolgate(['converse', sid, '<<S:hello>> again']);
    expect(r.stdout.trim()).toBe('hello from the worker');
  });

  it('sends a 64 KB multi-line prompt whole', async () => {
    const line = 'x'.repeat(99);
    const body = Array.from({ length: 640 }, () => line).join('\n');
    const prompt = `<<S:measure>> ${body}`;
    const file = path.join(rig.dir, 'big.txt');
    fs.writeFileSync(file, prompt);
    const r = await rig.toolgate(['converse', 'w1', '--file', file, '--timeout', '60']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`len=${prompt.length} lines=640`);
  });

  it('runs a tool call and records pre_tool_use and post_tool_use with the tool_use_id', async () => {
    const r = await rig.toolgate(['converse', 'w1', '<<S:touch>> do it']);
    expect(r.stdout.trim()).toBe('result: touched');
    expect(fs.existsSync(path.join(ws, 'marker-touch'))).toBe(true);
    const pre = eventsOf(rig, sid)
      .filter((e) => e.event === 'pre_tool_use')
      .pop()!;
    expect(pre).toMatchObject({
      tool: 'Bash',
      tool_input: { command: 'touch marker-touch && echo touched' },
    });
    const w = await rig.toolgate(['wait', 'w1', 'post_tool_use', '--after-line', '0', '--timeout', '10']);
    expect(w.code).toBe(0);
    const seqs = eventsOf(rig, sid).map((e) => e.seq as number);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('converse --with-turn prints the whole turn, tool result and final text included', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await rig.toolgate(['converse', 'w1', '<<S:touch>> again', '--with-turn']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('**Tool: Bash**');
      expect(r.stdout).toContain('touched');
      expect(r.stdout).toContain('result: touched');
    }
  });

  it('turn renders the last turn as markdown, cut to 5 lines unless --full', async () => {
    const r = await rig.toolgate(['turn', 'w1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('**Prompt:** <<S:touch>> again');
    expect(r.stdout).toContain('**Tool: Bash**');
    expect(r.stdout).toContain('touched');
  });

  it('events filters by type and count, and numbers lines', async () => {
    const r = await rig.toolgate(['events', 'w1', '--type', 'stop', '--last', '1']);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).event).toBe('stop');
    const bad = await rig.toolgate(['events', 'w1', '--type', 'end_of_turn']);
    expect(bad.code).toBe(2);
  });

  it('wait returns 124 when nothing comes, and the event when it does', async () => {
    const t = await rig.toolgate(['wait', 'w1', 'stop', '--timeout', '1']);
    expect(t.code).toBe(124);
    expect(t.stderr).toContain('--after-line');
    const waiting = rig.toolgate(['wait', 'w1', 'stop', '--timeout', '30']);
    await rig.toolgate(['send', 'w1', '<<S:hello>> once more']);
    const w = await waiting;
    expect(w.code).toBe(0);
    expect(JSON.parse(w.stdout).event).toBe('stop');
  });

  it('send refuses text starting with "!" and submits nothing', async () => {
    const before = eventsOf(rig, sid).length;
    const r = await rig.toolgate(['send', 'w1', '!touch pwned']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SEND_REFUSED');
    expect(eventsOf(rig, sid).length).toBe(before);
    expect(fs.existsSync(path.join(ws, 'pwned'))).toBe(false);
  });

  it('status, list and handoff describe the worker', async () => {
    expect((await rig.toolgate(['status', 'w1'])).stdout.trim()).toBe('idle');
    const list = await rig.toolgate(['list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'w1', status: 'idle', session_id: sid })]),
    );
    const h = await rig.toolgate(['handoff', 'w1']);
    expect(h.stdout).toContain(`tmux -S ${rig.socket} attach -t '=w1'`);
  });

  it('unknown workers are a clear error', async () => {
    const r = await rig.toolgate(['status', 'nobody']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('WORKER_NOT_FOUND');
    expect(r.stderr).toContain('hint:');
  });
});

describe('several workers', () => {
  it('runs two workers at once and chains them in a pipeline through a file', async () => {
    const ws2 = rig.workspace('ws2');
    await rig.launch('w2', ws2);
    const spec = path.join(ws, 'spec.txt');
    rig.model.add({
      name: 'spec',
      steps: [{ tools: [{ name: 'Write', input: { file_path: spec, content: 'SPEC-CONTENT-42\n' } }] }],
      final: 'spec written',
    });
    const [a, b] = await Promise.all([
      rig.toolgate(['converse', 'w1', '<<S:spec>> write the spec']),
      rig.toolgate(['converse', 'w2', '<<S:hello>> hi']),
    ]);
    expect(a.stdout.trim()).toBe('spec written');
    expect(b.stdout.trim()).toBe('hello from the worker');
    const c = await rig.toolgate(['converse', 'w2', `<<S:readspec>> implement ${spec}`]);
    expect(c.stdout.trim()).toBe('implemented from: SPEC-CONTENT-42');
  });

  it('stop is graceful and idempotent', async () => {
    const first = await rig.toolgate(['stop', 'w2']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('stopped (exited)');
    const second = await rig.toolgate(['stop', 'w2']);
    expect(second.code).toBe(0);
    expect((await rig.tmux(['has-session', '-t', '=w2'])).code).not.toBe(0);
  });

  it('a dead worker shows as gone, cannot be sent to, and is pruned', async () => {
    const ws3 = rig.workspace('ws3');
    await rig.launch('w3', ws3);
    await rig.tmux(['kill-session', '-t', '=w3']);
    expect((await rig.toolgate(['status', 'w3'])).stdout.trim()).toBe('gone');
    const s = await rig.toolgate(['send', 'w3', 'hello']);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('WORKER_GONE');
    const p = await rig.toolgate(['prune']);
    expect(p.stderr).toContain('w3');
    expect((await rig.toolgate(['status', 'w3'])).code).toBe(1);
  });
});

describe('adopt', () => {
  it('takes back a worker whose tmux session is gone by resuming its session, keeping its events', async () => {
    const ws4 = rig.workspace('ws4');
    const id = await rig.launch('w4', ws4);
    expect((await rig.toolgate(['converse', 'w4', '<<S:hello>> before'])).stdout.trim()).toBe(
      'hello from the worker',
    );
    await rig.tmux(['kill-session', '-t', '=w4']); // as after a reboot: the pane is gone, the transcript stays
    expect((await rig.toolgate(['status', 'w4'])).stdout.trim()).toBe('gone');
    const r = await rig.toolgate(['adopt', '--name', 'w4', '--workdir', ws4, '--session-id', id]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).session_id).toBe(id);
    const starts = eventsOf(rig, id).filter((e) => e.event === 'session_start');
    expect(starts.map((e) => e.source)).toEqual(['startup', 'resume']);
    expect((await rig.toolgate(['converse', 'w4', '<<S:hello>> after'])).stdout.trim()).toBe(
      'hello from the worker',
    );
    expect(
      (await rig.toolgate(['adopt', '--name', 'w5', '--workdir', ws4, '--session-id', 'not-an-id'])).code,
    ).toBe(2);
    await rig.toolgate(['stop', 'w4']);
  });
});

describe('workspace trust', () => {
  it('stops at the trust dialog of an untrusted directory, and answers it once the user trusts it', async () => {
    const wsU = rig.workspace('untrusted', { claudeTrusted: false });
    const r = await rig.toolgate(['launch', '--name', 'wu', '--workdir', wsU]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('UNTRUSTED_DIR');
    expect(r.stderr).toContain(`toolgate trust ${wsU}`);
    expect((await rig.tmux(['has-session', '-t', '=wu'])).code).not.toBe(0);
    expect((await rig.toolgate(['trust', wsU])).code).toBe(0);
    const id = await rig.launch('wu', wsU);
    expect(eventsOf(rig, id)[0]).toMatchObject({ event: 'session_start', cwd: wsU });
    await rig.toolgate(['stop', 'wu']);
  });
});

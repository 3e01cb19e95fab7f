// The examples in examples/ run end to end as child processes: exit status, key lines, and no leftovers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/rig.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const sandboxes = () => new Set(fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('toolgate-example-')));

// Runs an example and checks that it removed its temporary directory.
async function example(file: string, args: string[] = []): Promise<Run> {
  const before = sandboxes();
  const r = await execa(process.execPath, [path.join(ROOT, 'examples', file), ...args], {
    cwd: ROOT,
    reject: false,
    timeout: 150_000,
    input: '',
  });
  const run = { code: r.exitCode ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  const left = [...sandboxes()].filter((d) => !before.has(d));
  expect(left, `${file} left ${left.join(', ')} behind`).toEqual([]);
  return run;
}

describe('examples', () => {
  it('fan-out.mjs runs two workers in parallel and collects both replies', { timeout: 160_000 }, async () => {
    const r = await example('fan-out.mjs', ['2']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('launching 2 workers in parallel');
    expect(r.stdout).toContain('fan-alpha: finding: alpha has 5 letters');
    expect(r.stdout).toContain('fan-beta: finding: beta has 4 letters');
    expect(r.stdout).toMatch(/Worker fan-alpha \(.+\) stopped/);
    expect(r.stdout.trimEnd().endsWith('example finished')).toBe(true);
  });

  it('pipeline.mjs passes a file from the first worker to the second', { timeout: 160_000 }, async () => {
    const r = await example('pipeline.mjs');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('spec-writer replied: spec written');
    expect(r.stdout).toContain('| endpoint: GET /users');
    expect(r.stdout).toContain('implementer replied: implemented GET /users with pages of 25');
    expect(r.stdout.trimEnd().endsWith('example finished')).toBe(true);
  });

  it(
    'supervised.mjs: the harmless call and the approved push run, rm -rf / does not',
    { timeout: 160_000 },
    async () => {
      const r = await example('supervised.mjs');
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(r.stdout).toContain('the worker asked to run: rm -rf /');
      expect(r.stdout).toMatch(/toolgate pending:\n.*git push origin main/);
      expect(r.stdout).toContain('5. the person decides: allow');
      expect(r.stdout).toMatch(/allowed \S+ \(careful: Bash git push origin main/);
      expect(r.stdout).toMatch(/RAN +git log --oneline/);
      expect(r.stdout).toMatch(/BLOCKED +rm -rf \//);
      expect(r.stdout).toMatch(/RAN +git push origin main/);
      expect(r.stdout).toMatch(/origin has: [0-9a-f]+ first commit/);
      expect(r.stdout.trimEnd().endsWith('example finished')).toBe(true);
    },
  );

  it('an example that fails says so, exits 1 and still cleans up', { timeout: 60_000 }, async () => {
    // A tiny example on the same sandbox whose second launch reuses a name: `toolgate launch` fails (NAME_TAKEN).
    const file = path.join(ROOT, 'examples', 'lib', 'sandbox.mjs');
    const probe = path.join(os.tmpdir(), `tg-example-probe-${process.pid}.mjs`);
    fs.writeFileSync(
      probe,
      `import { runExample } from ${JSON.stringify(file)};
await runExample([], async (sb) => {
  const ws = sb.workspace('ws');
  await sb.launch('dup', ws);
  await sb.launch('dup', ws);
});
`,
    );
    try {
      const before = sandboxes();
      const r = await execa(process.execPath, [probe], {
        cwd: ROOT,
        reject: false,
        timeout: 50_000,
        input: '',
      });
      expect(r.exitCode).toBe(1);
      expect(String(r.stderr)).toContain('example failed: toolgate launch --name dup');
      expect(String(r.stderr)).toContain('NAME_TAKEN');
      expect([...sandboxes()].filter((d) => !before.has(d))).toEqual([]);
    } finally {
      fs.rmSync(probe, { force: true });
    }
  });
});

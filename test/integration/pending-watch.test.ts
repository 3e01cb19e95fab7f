// What a person at the terminal sees on the real CLI: `pending --watch` announcing an escalation, with a bell.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLGATE, createRig, type Rig } from '../helpers/rig.js';

let rig: Rig;
let ws: string;

beforeAll(async () => {
  rig = await createRig([]);
  ws = rig.workspace('ws');
  const bash = (command: string) => ({ tools: [{ name: 'Bash', input: { command, description: 'step' } }] });
  rig.model.add({
    name: 'push',
    steps: [bash(`git push origin main 2>/dev/null; touch ${ws}/pushed`)],
    final: 'pushed?',
  });
  await rig.launch('w1', ws);
}, 120_000);

afterAll(async () => {
  await rig?.close();
});

// Resolves once `read()` returns a text containing `want` (checked whenever the child prints).
function untilOutput(child: ReturnType<typeof execa>, read: () => string, want: string): Promise<void> {
  return new Promise((resolve) => {
    const look = () => {
      if (read().includes(want)) {
        child.stdout?.off('data', look);
        resolve();
      }
    };
    child.stdout?.on('data', look);
    look();
  });
}

describe('pending --watch', () => {
  it('announces an escalation as it arrives, with a bell, and says when it is decided', async () => {
    let out = '';
    const watcher = execa(process.execPath, [TOOLGATE, 'pending', '--watch'], {
      env: rig.env,
      extendEnv: false,
      reject: false,
    });
    watcher.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const conv = rig.toolgate(['converse', 'w1', '<<S:push>> go']);
    await untilOutput(watcher, () => out, 'ESCALATED');
    expect(out).toContain('\x07');
    expect(out).toMatch(/ESCALATED \S+ {2}w1 {2}Bash {2}git push origin main/);
    const call = /ESCALATED (\S+)/.exec(out)![1]!;
    expect((await rig.toolgate(['approve', call, 'deny', '--reason', 'not now'])).code).toBe(0);
    await untilOutput(watcher, () => out, `decided ${call}`);
    watcher.kill('SIGTERM');
    await watcher;
    expect((await conv).code).toBe(0);
    expect(fs.existsSync(path.join(ws, 'pushed'))).toBe(false);
  });
});

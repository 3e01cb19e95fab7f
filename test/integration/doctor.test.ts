// toolgate doctor on the real CLI: the probe proves a deny blocks; hook-disabling settings and old CLIs are named.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOOR_CLAUDE_BIN, createRig, type Rig } from '../helpers/rig.js';

let rig: Rig;
beforeAll(async () => {
  rig = await createRig([]);
});
afterAll(async () => {
  await rig?.close();
});

describe('toolgate doctor', () => {
  it('runs the installed CLI once and shows that an allowed call ran and a denied call did not', async () => {
    const r = await rig.toolgate(['doctor', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const checks = JSON.parse(r.stdout) as { level: string; what: string }[];
    expect(checks.find((c) => c.what.startsWith('probe:'))).toMatchObject({ level: 'ok' });
    expect(checks.some((c) => c.level === 'fail')).toBe(false);
  });

  it('fails when the user settings switch hooks off, and says how to fix it', async () => {
    const settings = path.join(rig.home, '.claude', 'settings.json');
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(settings, '{"disableAllHooks": true}');
    try {
      const r = await rig.toolgate(['doctor', '--no-probe']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('FAIL  ' + settings + ' sets disableAllHooks');
      expect(r.stdout).toContain('remove disableAllHooks');
    } finally {
      fs.rmSync(settings);
    }
  });

  it('warns that a CLI older than 2.1.295 ignores onFailure', async () => {
    const r = await rig.toolgate(['doctor', '--no-probe'], {
      env: { TOOLGATE_CLAUDE_BIN: FLOOR_CLAUDE_BIN },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ignores "onFailure"');
  });
});

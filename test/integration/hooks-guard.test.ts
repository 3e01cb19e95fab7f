// A running Claude Code re-reads its user settings: `disableAllHooks` written there while a worker runs switches its
// hooks, the gate included, off (and they stay off when the line goes). The supervisor watches those settings and
// stops every worker at once, and records it. Real CLI, real tmux.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auditOf, createRig, type Rig } from '../helpers/rig.js';

let rig: Rig;

beforeAll(async () => {
  rig = await createRig([]);
  await rig.launch('g1', rig.workspace('ws1'));
  await rig.launch('g2', rig.workspace('ws2'));
}, 120_000);

afterAll(async () => {
  await rig?.close();
});

it('stops every worker when the user settings switch hooks off, and audits it', async () => {
  const settings = path.join(rig.home, '.claude', 'settings.json');
  fs.mkdirSync(path.dirname(settings), { recursive: true });
  fs.writeFileSync(settings, JSON.stringify({ disableAllHooks: true }));
  // Await the record the supervisor writes once it has stopped them (on every change of the audit folder).
  const rec = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const look = () => {
      const hit = auditOf(rig).find((r) => r.kind === 'hooks_disabled');
      if (!hit) return;
      clearTimeout(timer);
      w.close();
      resolve(hit);
    };
    const w = fs.watch(path.join(rig.stateDir, 'audit'), look);
    const timer = setTimeout(() => {
      w.close();
      reject(new Error('no hooks_disabled record'));
    }, 20_000);
    look();
  });
  expect(rec).toMatchObject({ file: settings, decided_by: 'fail-closed' });
  expect((rec.stopped as string[]).sort()).toEqual(['g1', 'g2']);
  for (const name of ['g1', 'g2'])
    expect((await rig.tmux(['has-session', '-t', `=${name}`])).code).not.toBe(0);
  expect((await rig.toolgate(['status', 'g1'])).stdout).toMatch(/gone|terminated/);
});

// A smoke run of the toolkit and the gate on the oldest Claude Code toolgate supports (2.1.197, installed in
// test/floor by `npm run floor:install`): it ignores onFailure, so the gate's own wrapper is its only guard.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOOR_CLAUDE_BIN, createRig, eventsOf, type Rig } from '../helpers/rig.js';

let rig: Rig;
let ws: string;

beforeAll(async () => {
  expect(fs.existsSync(FLOOR_CLAUDE_BIN), 'run `npm run floor:install` first').toBe(true);
  rig = await createRig(
    [
      { name: 'hello', steps: [], final: 'hello from 2.1.197' },
      {
        name: 'calls',
        steps: [
          { tools: [{ name: 'Bash', input: { command: 'touch ok-marker', description: 'harmless' } }] },
          {
            tools: [
              {
                name: 'Bash',
                input: { command: 'cat ~/.aws/credentials && touch bad-marker', description: 'dangerous' },
              },
            ],
          },
        ],
        final: (c) => `last: ${c.lastResults[0]?.is_error ? 'ERROR' : 'OK'}`,
      },
    ],
    { claudeBin: FLOOR_CLAUDE_BIN },
  );
  ws = rig.workspace('ws');
});

afterAll(async () => {
  await rig?.close();
});

describe('Claude Code 2.1.197 (the oldest supported)', () => {
  it('launches with a warning-free version check, converses, gates, and stops', async () => {
    const launched = await rig.toolgate(['launch', '--name', 'old', '--workdir', ws]);
    expect(launched.code, launched.stderr).toBe(0);
    expect(launched.stderr).not.toContain('has not been tested');
    const sid = JSON.parse(launched.stdout).session_id as string;
    expect((await rig.toolgate(['converse', 'old', '<<S:hello>> hi'])).stdout.trim()).toBe(
      'hello from 2.1.197',
    );
    fs.mkdirSync(path.join(rig.home, '.aws'));
    fs.writeFileSync(path.join(rig.home, '.aws', 'credentials'), '[default]\n');
    const r = await rig.toolgate(['converse', 'old', '<<S:calls>> go']);
    expect(r.stdout.trim()).toBe('last: ERROR');
    expect(fs.existsSync(path.join(ws, 'ok-marker'))).toBe(true);
    expect(fs.existsSync(path.join(ws, 'bad-marker'))).toBe(false);
    expect(eventsOf(rig, sid).map((e) => e.event)).toEqual(
      expect.arrayContaining(['session_start', 'pre_tool_use', 'stop']),
    );
    expect((await rig.toolgate(['stop', 'old'])).code).toBe(0);
  });
});

// The event hook as a real process against an in-process supervisor: it writes a temp file and a ready marker (no
// process started); the supervisor publishes the event and records it in the worker's events file, in order.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { pino } from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { StatePaths } from '../../../src/core/state.js';
import { Supervisor } from '../../../src/gate/supervisor.js';
import type { Decider } from '../../../src/gate/decider.js';
import { stateWithWorker } from '../../helpers/in-process.js';

const EVENT = path.resolve('plugin/hooks/event');
const WORKER_ID = '00000000-0000-4000-8000-0000000000ee';
let dir: string;
let s: StatePaths;
let sup: Supervisor | undefined;

const never: Decider = {
  decide: () => {
    throw new Error('no tool call in this test');
  },
  problems: () => [],
  close: () => undefined,
};

beforeEach(async () => {
  ({ dir, s } = stateWithWorker('tg-evhook-', WORKER_ID));
  sup = new Supervisor({
    state: s,
    decider: never,
    audit: { append: () => undefined },
    logger: pino({ level: 'silent' }),
  });
  await sup.start();
});

afterEach(async () => {
  await sup?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const runEvent = (name: string, input: string) =>
  execa(EVENT, [name], {
    input,
    reject: false,
    env: { PATH: process.env.PATH!, TOOLGATE_WORKER_ID: WORKER_ID, TOOLGATE_STATE_DIR: s.root },
    extendEnv: false,
  });

// Resolves with the events file's records once it holds `n` of them (checked on every change of the folder).
function events(n: number): Promise<Array<Record<string, unknown>>> {
  const file = path.join(s.events, `${WORKER_ID}.jsonl`);
  const read = () =>
    fs.existsSync(file)
      ? fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>)
      : [];
  return new Promise((resolve, reject) => {
    const check = () => {
      const got = read();
      if (got.length < n) return;
      clearTimeout(timer);
      w.close();
      resolve(got);
    };
    const w = fs.watch(s.events, check);
    const timer = setTimeout(() => {
      w.close();
      reject(new Error(`only ${read().length} of ${n} events`));
    }, 10_000);
    check();
  });
}

it('spools events with a ready marker that the supervisor publishes and records in order, leaving nothing behind', async () => {
  const big = 'm'.repeat(10_000); // over the builtin read: head finishes it
  expect(
    (await runEvent('user_prompt_submit', JSON.stringify({ session_id: 's', prompt: 'hello' }))).exitCode,
  ).toBe(0);
  expect(
    (await runEvent('stop', JSON.stringify({ session_id: 's', last_assistant_message: big }))).exitCode,
  ).toBe(0);
  expect((await runEvent('session_end', '')).exitCode).toBe(0); // no input: payload null, still recorded
  const got = await events(3);
  expect(got.map((e) => e.event)).toEqual(['user_prompt_submit', 'stop', 'session_end']);
  expect(got.map((e) => e.seq)).toEqual([1, 2, 3]);
  expect(got[0]).toMatchObject({ prompt: 'hello' });
  expect(String(got[1]!.last_assistant_message).length).toBeGreaterThan(1000);
  expect(fs.readdirSync(s.queue)).toEqual([]);
});

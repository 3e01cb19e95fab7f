// watchFile: its first look happens after the caller's code has run, and then on every change of the file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { watchFile } from '../../../src/workers/file-watch.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-fw-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

// Was a bug: the first look ran inside watchFile, so a callback using what its caller declares next (a timer, the
// watch itself) threw "Cannot access ... before initialization" whenever the file was already there.
it('first looks after the caller has finished, so the callback may use what the caller declares next', async () => {
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, 'x');
  const seen: string[] = [];
  await new Promise<void>((resolve) => {
    const w = watchFile(file, () => {
      seen.push(label);
      w.close();
      resolve();
    });
    const label = 'declared after the call';
  });
  expect(seen).toEqual(['declared after the call']);
});

it('calls back when the file is created after the watch was set', async () => {
  const file = path.join(dir, 'later');
  let calls = 0;
  const created = new Promise<void>((resolve) => {
    const w = watchFile(file, () => {
      calls++;
      if (fs.existsSync(file)) {
        w.close();
        resolve();
      }
    });
  });
  await Promise.resolve();
  fs.writeFileSync(file, 'y');
  await created;
  expect(calls).toBeGreaterThanOrEqual(2); // the first look, then the creation
});

// The state directory is private: a symlink, a directory open to others, or another owner's is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkPrivateDir, ensureState } from '../../src/core/state.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-state-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('state directory', () => {
  it('is created with mode 0700 and its subfolders', () => {
    const s = ensureState({ TOOLGATE_STATE_DIR: path.join(dir, 'st') });
    expect(fs.statSync(s.root).mode & 0o777).toBe(0o700);
    for (const sub of [s.workers, s.events, s.queue, s.answers, s.audit])
      expect(fs.statSync(sub).isDirectory()).toBe(true);
  });

  it('refuses a symlink, with a hint', () => {
    fs.mkdirSync(path.join(dir, 'real'), { mode: 0o700 });
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
    expect(() => ensureState({ TOOLGATE_STATE_DIR: path.join(dir, 'link') })).toThrow(/is a symlink/);
  });

  it('refuses a directory group or others can reach', () => {
    fs.mkdirSync(path.join(dir, 'open'), { mode: 0o755 });
    fs.chmodSync(path.join(dir, 'open'), 0o755);
    expect(() => checkPrivateDir(path.join(dir, 'open'))).toThrow(/mode 755/);
  });

  it('refuses one owned by someone else', () => {
    fs.mkdirSync(path.join(dir, 'theirs'), { mode: 0o700 });
    fs.chownSync(path.join(dir, 'theirs'), 65534, 65534);
    expect(() => checkPrivateDir(path.join(dir, 'theirs'))).toThrow(/owned by uid 65534/);
  });
});

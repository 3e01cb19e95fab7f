// A private state directory with one worker record, for tests that run the supervisor (or hooks) in-process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureState, type StatePaths } from '../../src/core/state.js';
import { saveWorker } from '../../src/workers/registry.js';

export interface TestState {
  dir: string;
  s: StatePaths;
}

// A temp dir holding `state/` (made as the CLI makes it) and the record of worker `workerId` named `name`, whose
// workspace is the temp dir itself.
export function stateWithWorker(prefix: string, workerId: string, name = 'w1'): TestState {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const s = ensureState({ TOOLGATE_STATE_DIR: path.join(dir, 'state') });
  saveWorker(s, {
    v: 1,
    name,
    worker_id: workerId,
    tmux_name: name,
    tmux_socket: null,
    cwd: dir,
    events_file: path.join(s.events, `${workerId}.jsonl`),
    started_at: new Date().toISOString(),
    claude_bin: '/bin/true',
    claude_version: '2.1.330',
    policy: [],
    observe: false,
    invocation: [],
  });
  return { dir, s };
}

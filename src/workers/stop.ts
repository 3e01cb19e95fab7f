// Stops a worker: /exit, wait for session_end (or its tmux session to vanish), then kill and clean up.
import fs from 'node:fs';
import type { StatePaths } from '../core/state.js';
import { countLines, waitForEvent } from './events.js';
import { removeWorker, type WorkerRecord } from './registry.js';
import { hasSession, killSession, sendKeys, sendLiteral, tmuxOn } from './tmux.js';

// Graceful stop; always ends with the tmux session killed and the worker's state removed.
export async function stopWorker(
  s: StatePaths,
  rec: WorkerRecord,
  graceMs = 10_000,
): Promise<'exited' | 'killed' | 'already-gone'> {
  const tmux = tmuxOn(rec.tmux_socket);
  let how: 'exited' | 'killed' | 'already-gone' = 'already-gone';
  if (await hasSession(tmux, rec.tmux_name)) {
    const baseline = countLines(rec.events_file);
    await sendKeys(tmux, rec.tmux_name, 'Escape');
    await sendLiteral(tmux, rec.tmux_name, '/exit');
    await sendKeys(tmux, rec.tmux_name, 'Enter');
    const ended = await Promise.race([
      waitForEvent(rec.events_file, (e) => e.event === 'session_end', {
        afterLine: baseline,
        timeoutMs: graceMs,
      }).then(
        () => true,
        () => false,
      ),
      untilGone(rec, graceMs),
    ]);
    how = ended ? 'exited' : 'killed';
    await killSession(tmux, rec.tmux_name);
  }
  removeWorker(s, rec.worker_id);
  fs.rmSync(rec.events_file, { force: true });
  return how;
}

// Resolves true once the worker's tmux session is gone (checked a few times a second), false at the timeout.
async function untilGone(rec: WorkerRecord, timeoutMs: number): Promise<boolean> {
  const tmux = tmuxOn(rec.tmux_socket);
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!(await hasSession(tmux, rec.tmux_name))) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

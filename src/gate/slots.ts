// Answer slots: a pool of FIFOs per worker, made once at launch, so the gate hook starts no process per call.
// A hook claims slot k by creating `slots/<worker_id>.<k>.lock` with noclobber (O_EXCL) and writing its pid
// there; only the supervisor removes a lock, and only once that pid has exited, so no two live hooks ever read
// one FIFO. A hook that finds every slot taken makes a FIFO of its own (`queue/<call id>.fifo`).
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { StatePaths } from '../core/state.js';
import { pidAlive } from '../core/fsx.js';

/** Slots per worker: Claude Code runs up to 10 read-only tool calls of one worker at once. */
export const SLOTS = 10;

// A lock with no pid yet (its hook was between create and write) is old enough to drop after this long.
const EMPTY_LOCK_MS = 10_000;

export const slotFifo = (s: StatePaths, workerId: string, k: number) =>
  path.join(s.slots, `${workerId}.${k}.fifo`);
export const slotLock = (s: StatePaths, workerId: string, k: number) =>
  path.join(s.slots, `${workerId}.${k}.lock`);

// Makes the worker's slot FIFOs that are missing (one mkfifo process for all of them).
export async function createSlots(s: StatePaths, workerId: string): Promise<void> {
  const missing = [];
  for (let k = 0; k < SLOTS; k++) {
    const f = slotFifo(s, workerId, k);
    if (!fs.existsSync(f)) missing.push(f);
    fs.rmSync(slotLock(s, workerId, k), { force: true });
  }
  if (missing.length) await execa('mkfifo', ['-m', '600', ...missing]);
}

// Removes a worker's slots (its FIFOs and any locks).
export function removeSlots(s: StatePaths, workerId: string): void {
  for (let k = 0; k < SLOTS; k++) {
    fs.rmSync(slotFifo(s, workerId, k), { force: true });
    fs.rmSync(slotLock(s, workerId, k), { force: true });
  }
}

// The pid written in a lock file: a number, 0 while it is still empty, undefined when there is no lock.
function lockPid(file: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}

// Frees slot k of a worker once hook `pid` has exited: checks soon and backs off (1 ms doubling to 256 ms, about
// half a second in all); a hook that lives longer is left to the sweep.
export function releaseAfterExit(s: StatePaths, workerId: string, k: number, pid: number): void {
  const lock = slotLock(s, workerId, k);
  const attempt = (delay: number) => {
    if (!pidAlive(pid)) {
      if (lockPid(lock) === pid) fs.rmSync(lock, { force: true });
      return;
    }
    if (delay <= 256) setTimeout(() => attempt(delay * 2), delay).unref();
  };
  setTimeout(() => attempt(2), 1).unref();
}

// Frees every slot whose hook has exited, and empty locks older than EMPTY_LOCK_MS.
export function sweepSlots(s: StatePaths, now: number): void {
  let names: string[];
  try {
    names = fs.readdirSync(s.slots);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.endsWith('.lock')) continue;
    const file = path.join(s.slots, name);
    const pid = lockPid(file);
    if (pid === undefined) continue;
    if (pid > 0 ? !pidAlive(pid) : olderThan(file, now, EMPTY_LOCK_MS)) fs.rmSync(file, { force: true });
  }
}

function olderThan(file: string, now: number, ms: number): boolean {
  try {
    return now - fs.statSync(file).mtimeMs > ms;
  } catch {
    return false;
  }
}

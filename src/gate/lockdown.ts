// Lockdown: <state>/lockdown.json says which workers (or all) have every call denied, without stopping them.
// Written by `toolgate lockdown` (atomically); read by the supervisor on every call and watched so it can
// record each change in the audit trail. Fail closed: a lockdown file that exists but cannot be read or
// understood locks every worker down.
import fs from 'node:fs';
import { z } from 'zod';

export const LockdownSchema = z.object({
  v: z.literal(1).optional(),
  all: z.boolean().optional(),
  /** Worker ids locked down one by one. */
  workers: z.array(z.string()).optional(),
  /** Worker names by id, for messages and the audit trail. */
  names: z.record(z.string(), z.string()).optional(),
  /** The reason of the lockdown of all workers (and, in files written before `reasons`, of every lockdown). */
  reason: z.string().max(2000).optional(),
  /** The reason of each worker's own lockdown, by worker id. */
  reasons: z.record(z.string(), z.string().max(2000)).optional(),
  /** Who made the last change. */
  by: z.string().optional(),
  updated_at: z.string().optional(),
});
export type LockdownFile = z.infer<typeof LockdownSchema>;

export interface LockdownState {
  all: boolean;
  workers: string[];
  names: Record<string, string>;
  /** The reason of the lockdown of all workers. */
  reason?: string;
  /** Each worker's own reason, by worker id. */
  reasons?: Record<string, string>;
  by?: string;
  /** Set when the file exists but could not be used (then everything is locked down). */
  error?: string;
}

export const NO_LOCKDOWN: LockdownState = { all: false, workers: [], names: {} };

// Reads the lockdown file: absent means none; anything unreadable means every worker is locked down.
export function readLockdown(file: string): LockdownState {
  let text: string;
  try {
    // Read on every call: a missing file (the usual case) is answered by a stat that throws nothing.
    if (!fs.statSync(file, { throwIfNoEntry: false })) return { ...NO_LOCKDOWN };
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { ...NO_LOCKDOWN };
    return { all: true, workers: [], names: {}, error: `cannot read ${file}: ${(e as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { all: true, workers: [], names: {}, error: `${file} is not valid JSON` };
  }
  const r = LockdownSchema.safeParse(json);
  if (!r.success)
    return { all: true, workers: [], names: {}, error: `${file} is not a toolgate lockdown file` };
  return {
    all: r.data.all ?? false,
    workers: r.data.workers ?? [],
    names: r.data.names ?? {},
    ...(r.data.reason ? { reason: r.data.reason } : {}),
    ...(r.data.reasons ? { reasons: r.data.reasons } : {}),
    ...(r.data.by ? { by: r.data.by } : {}),
  };
}

export function isLockedDown(l: LockdownState, workerId: string): boolean {
  return l.all || l.workers.includes(workerId);
}

// Why a worker is locked down: the reason of the lockdown of all workers when that is on, else the worker's own
// (a file without `reasons` gives its one reason to every lockdown). Undefined: no reason was given.
export function lockdownWhy(l: LockdownState, workerId: string): string | undefined {
  if (l.all) return l.reason || undefined;
  if (!l.workers.includes(workerId)) return undefined;
  return (l.reasons ? l.reasons[workerId] : l.reason) || undefined;
}

export interface LockdownChange {
  action: 'on' | 'off';
  /** Undefined: every worker. */
  worker_id?: string;
  worker?: string;
  /** For `on`: the reason given for it. */
  reason?: string;
}

// The changes from one lockdown state to the next (for the audit trail), all-workers first.
export function lockdownChanges(before: LockdownState, after: LockdownState): LockdownChange[] {
  const out: LockdownChange[] = [];
  if (!before.all && after.all) out.push({ action: 'on', ...(after.reason ? { reason: after.reason } : {}) });
  if (before.all && !after.all) out.push({ action: 'off' });
  for (const w of after.workers) {
    if (!before.workers.includes(w)) {
      const reason = after.reasons ? after.reasons[w] : after.reason;
      out.push({
        action: 'on',
        worker_id: w,
        worker: after.names[w] ?? before.names[w] ?? w,
        ...(reason ? { reason } : {}),
      });
    }
  }
  for (const w of before.workers) {
    if (!after.workers.includes(w))
      out.push({ action: 'off', worker_id: w, worker: before.names[w] ?? after.names[w] ?? w });
  }
  return out;
}

// Worker records: one JSON file per worker in the state directory, and resolving a worker by name or id.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ToolgateError } from '../core/errors.js';
import { writeFileAtomic } from '../core/fsx.js';
import type { StatePaths } from '../core/state.js';
import { removeSlots } from '../gate/slots.js';

export const WorkerRecordSchema = z.object({
  v: z.literal(1),
  name: z.string(),
  /** The session id assigned at launch; names the worker's files for its whole life. */
  worker_id: z.string(),
  tmux_name: z.string(),
  /** tmux socket path, or null for the user's default server. */
  tmux_socket: z.string().nullable(),
  cwd: z.string(),
  events_file: z.string(),
  started_at: z.string(),
  claude_bin: z.string(),
  claude_version: z.string(),
  policy: z.array(z.string()).default([]),
  observe: z.boolean().default(false),
  invocation: z.array(z.string()).default([]),
});
export type WorkerRecord = z.infer<typeof WorkerRecordSchema>;

/** Worker names: safe in tmux targets, file names and shell words. */
export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const ID_RE = /^[A-Za-z0-9-]{8,64}$/;

// Rejects a name tmux would rewrite or a path could misread, with the rule in the hint.
export function validateName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new ToolgateError('NAME_INVALID', `invalid worker name "${name}"`, {
      hint: 'use 1 to 64 letters, digits, "-" or "_", starting with a letter or digit (no ".", ":", "/" or spaces)',
    });
  }
}

export function recordPath(state: StatePaths, workerId: string): string {
  return path.join(state.workers, `${workerId}.json`);
}

export function saveWorker(state: StatePaths, rec: WorkerRecord): void {
  writeFileAtomic(recordPath(state, rec.worker_id), JSON.stringify(rec, null, 2) + '\n');
}

export function loadWorker(state: StatePaths, workerId: string): WorkerRecord | undefined {
  if (!ID_RE.test(workerId)) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(recordPath(state, workerId), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = WorkerRecordSchema.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new ToolgateError('STATE_CORRUPT', `worker record ${recordPath(state, workerId)} is not valid`, {
      hint: 'remove it with `toolgate prune`, or delete the file',
    });
  }
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// Every readable worker record, oldest first; unreadable files are skipped.
export function listWorkers(state: StatePaths): WorkerRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(state.workers);
  } catch {
    return [];
  }
  const out: WorkerRecord[] = [];
  for (const n of names) {
    if (!n.endsWith('.json')) continue;
    try {
      const rec = loadWorker(state, n.slice(0, -5));
      if (rec) out.push(rec);
    } catch {
      /* a corrupt record is reported by `list`/`prune`, not here */
    }
  }
  return out.sort((a, b) => a.started_at.localeCompare(b.started_at));
}

export function removeWorker(state: StatePaths, workerId: string): void {
  fs.rmSync(recordPath(state, workerId), { force: true });
  removeSlots(state, workerId);
}

// Finds a worker by session id or by name; a name shared by several records is ambiguous.
export function resolveWorker(state: StatePaths, ref: string): WorkerRecord {
  const byId = loadWorker(state, ref);
  if (byId) return byId;
  const matches = listWorkers(state).filter((w) => w.name === ref);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new ToolgateError(
      'AMBIGUOUS',
      `several workers are named "${ref}": ${matches.map((m) => m.worker_id).join(', ')}`,
      {
        hint: 'name the worker by its session id, or run `toolgate prune` to drop dead ones',
      },
    );
  }
  throw new ToolgateError('WORKER_NOT_FOUND', `no worker known as "${ref}"`, {
    hint: 'see `toolgate list --all` for the workers toolgate knows',
  });
}

// What the supervisor asks for each call: a Decision for this worker's call under its policy layers.
import type { WorkerRecord } from '../workers/registry.js';
import type { Decision, HookPayload } from '../policy/types.js';

export interface Decider {
  /** Decides one call; never throws (a failure inside becomes a deny). */
  decide(worker: WorkerRecord, payload: HookPayload, now: number): Decision;
  /** The last load or reload error for a worker's layers, if any (shown by status and pending). */
  problems(): string[];
  close(): void;
}

// A decision that denies because something failed inside the gate (fail closed).
export function failClosed(reason: string, revision = 'none'): Decision {
  return {
    verdict: 'deny',
    rule: 'fail-closed',
    reason,
    trace: [],
    revision,
    observe: false,
    rateKeys: [],
  };
}

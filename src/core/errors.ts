// Errors with a stable code, a hint for the user, and the exit status the CLI maps them to.

/** Exit statuses every command uses (documented in `toolgate --help`). */
export const EXIT = { ok: 0, failure: 1, usage: 2, timeout: 124 } as const;

export type ErrorCode =
  | 'USAGE'
  | 'NOT_FOUND'
  | 'WORKER_NOT_FOUND'
  | 'WORKER_GONE'
  | 'WORKER_BUSY'
  | 'NAME_INVALID'
  | 'NAME_TAKEN'
  | 'UNTRUSTED_DIR'
  | 'HOOKS_DISABLED'
  | 'LAUNCH_FAILED'
  | 'SEND_FAILED'
  | 'SEND_REFUSED'
  | 'TIMEOUT'
  | 'STATE_DIR_UNSAFE'
  | 'STATE_CORRUPT'
  | 'TMUX'
  | 'CLAUDE_BIN'
  | 'TRANSCRIPT'
  | 'SUPERVISOR'
  | 'SUPERVISOR_RUNNING'
  | 'NO_PENDING'
  | 'AMBIGUOUS'
  | 'POLICY_INVALID'
  | 'POLICY_TEST_FAILED'
  | 'AUDIT_INVALID'
  | 'AUDIT_WRITE'
  | 'AUDIT_BROKEN'
  | 'INPUT_INVALID'
  | 'INTERNAL';

const EXIT_OF: Partial<Record<ErrorCode, number>> = {
  USAGE: EXIT.usage,
  NAME_INVALID: EXIT.usage,
  INPUT_INVALID: EXIT.usage,
  TIMEOUT: EXIT.timeout,
};

/** An expected failure: what went wrong, where, and what to do (`hint`). */
export class ToolgateError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { hint?: string; cause?: unknown; exitCode?: number; details?: Record<string, unknown> } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ToolgateError';
    this.code = code;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? EXIT_OF[code] ?? EXIT.failure;
    this.details = opts.details;
  }
}

export function isToolgateError(e: unknown): e is ToolgateError {
  return e instanceof ToolgateError;
}

// Renders an error for a terminal: `error[CODE] message` then `hint: ...`.
export function formatError(e: ToolgateError): string {
  return `error[${e.code}] ${e.message}` + (e.hint ? `\nhint: ${e.hint}` : '');
}

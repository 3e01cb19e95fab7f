// Makes a tool input safe to keep: secrets redacted (by key and by value), long strings cut with their hash.
import { isSecretKey, REDACTED, redactText } from './secrets.js';
import { DEFAULT_MAX_STRING_BYTES, truncateString } from './truncate.js';

export interface RedactOptions {
  /** Strings longer than this many bytes are cut to a prefix. Default 2048. */
  maxStringBytes?: number;
  /** Objects nested deeper than this are replaced by a marker. Default 12. */
  maxDepth?: number;
}

export interface RedactedInput {
  input: Record<string, unknown>;
  /** Paths (`command`, `headers.Authorization`, `edits[2].new_string`) where something was redacted. */
  redacted: string[];
  /** Strings cut to a prefix: where, their full byte length and sha256 (of the original, unredacted text). */
  truncated: { path: string; bytes: number; sha256: string }[];
}

/** Extra text redacted past the cut, so a secret straddling the cut is still seen whole. */
const OVERSCAN = 1024;

// Redacts and truncates a tool's input for the audit trail; the input itself is not changed.
export function redactInput(
  tool: string,
  input: Record<string, unknown>,
  opts: RedactOptions = {},
): RedactedInput {
  const max = opts.maxStringBytes ?? DEFAULT_MAX_STRING_BYTES;
  const maxDepth = opts.maxDepth ?? 12;
  const redacted: string[] = [];
  const truncated: RedactedInput['truncated'] = [];

  const visitString = (s: string, path: string): string => {
    const cut = truncateString(s, max);
    const shell = tool === 'Bash' && path === 'command';
    const r = redactText(cut ? s.slice(0, max + OVERSCAN) : s, shell);
    if (r.hits.length > 0) redacted.push(path);
    if (!cut) return r.text;
    const kept = truncateString(r.text, max);
    truncated.push({ path, bytes: cut.bytes, sha256: cut.sha256 });
    return kept ? kept.value : r.text;
  };

  const visit = (v: unknown, path: string, depth: number): unknown => {
    if (typeof v === 'string') return visitString(v, path);
    if (v === null || typeof v !== 'object') return v;
    if (depth >= maxDepth) return '[TOO DEEP]';
    if (Array.isArray(v)) return v.map((x, i) => visit(x, `${path}[${i}]`, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const p = path ? `${path}.${k}` : k;
      if (isSecretKey(k) && x !== null && x !== '' && typeof x !== 'boolean') {
        out[k] = REDACTED;
        redacted.push(p);
      } else {
        out[k] = visit(x, p, depth + 1);
      }
    }
    return out;
  };

  return { input: visit(input, '', 0) as Record<string, unknown>, redacted, truncated };
}

/**
 * Redacts secret-looking values in every string of `value` (objects and arrays at any depth; keys are kept).
 * This is the one gate for text that leaves the supervisor: every audit record (the writer applies it), the
 * escalations file `toolgate pending` and `approve` read, the notifiers' payload. Free text there (a rule's reason,
 * a grant's scope) often quotes a Bash command, so the shell patterns (`--password x`, `-u user:pass`) apply too.
 * The tool input inside a record was already redacted by redactInput (this pass leaves those markers as they are).
 * Returns `value` itself when nothing changed.
 */
export function redactRecord<T>(value: T, maxDepth = 16): T {
  const visit = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return v.length === 0 ? v : redactText(v, true).text;
    if (v === null || typeof v !== 'object' || depth >= maxDepth) return v;
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      v.forEach((x, i) => {
        const y = visit(x, depth + 1);
        if (y !== x) (out ??= [...v])[i] = y;
      });
      return out ?? v;
    }
    let out: Record<string, unknown> | undefined;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const y = visit(x, depth + 1);
      if (y !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = y;
    }
    return out ?? v;
  };
  return visit(value, 0) as T;
}

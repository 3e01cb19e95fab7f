// Sealing and unsealing one line: the canonical line is the JSON without `hash`; `hash` is its sha256.
import { createHash } from 'node:crypto';
import {
  AUDIT_VERSION,
  recordBodySchema,
  sealSchema,
  type AuditRecord,
  type AuditRecordInput,
} from './schema.js';

/** `,"hash":"<64 hex>"}` closes every sealed line. */
const HASH_SUFFIX_LEN = ',"hash":"'.length + 64 + '"}'.length;
const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;
const RESERVED = new Set(['v', 'seq', 'ts', 'prev', 'hash']);

// sha256 of a string or bytes, as lowercase hex.
export function hashHex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

// Builds the sealed line (without newline) and its hash for a record body at a place in the chain.
export function sealRecord(
  body: AuditRecordInput,
  seq: number,
  ts: string,
  prev: string,
): { line: string; record: AuditRecord } {
  const obj: Record<string, unknown> = { v: AUDIT_VERSION, seq, ts, kind: body.kind };
  for (const [k, v] of Object.entries(body)) {
    if (!RESERVED.has(k) && v !== undefined) obj[k] = v;
  }
  obj.prev = prev;
  const canonical = JSON.stringify(obj);
  const hash = hashHex(canonical);
  obj.hash = hash;
  return { line: canonical.slice(0, -1) + `,"hash":"${hash}"}`, record: obj as AuditRecord };
}

/** What one line of a trail file turned out to be. */
export type UnsealedLine =
  { ok: true; record: AuditRecord } | { ok: false; reason: string; record?: Record<string, unknown> };

// Checks one line (bytes, no newline): the hash matches the canonical line, and the record fits the schema.
export function unsealLine(line: Uint8Array): UnsealedLine {
  const text = Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('utf8');
  const m = HASH_SUFFIX.exec(text);
  if (!m) return { ok: false, reason: 'no hash at the end of the line' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const obj = parsed as Record<string, unknown>;
  const computed = createHash('sha256')
    .update(line.subarray(0, line.byteLength - HASH_SUFFIX_LEN))
    .update('}')
    .digest('hex');
  if (computed !== m[1] || obj.hash !== m[1]) {
    return { ok: false, reason: 'content does not match its hash', record: obj };
  }
  const seal = sealSchema.safeParse(obj);
  if (!seal.success)
    return { ok: false, reason: `bad seal fields: ${seal.error.issues[0]?.message}`, record: obj };
  const body = recordBodySchema.safeParse(obj);
  if (!body.success) {
    const issue = body.error.issues[0];
    return { ok: false, reason: `bad record: ${issue?.path.join('.')} ${issue?.message}`, record: obj };
  }
  return { ok: true, record: obj as AuditRecord };
}

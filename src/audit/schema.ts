// The audit record format (v:1): one zod schema per record kind, sealed with seq, prev and hash.
import { z } from 'zod';

/** The record format version written in every line. */
export const AUDIT_VERSION = 1;

/** What the first record of a trail chains from (`prev` of seq 1). */
export const GENESIS = '0'.repeat(64);

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/** A string cut to a prefix: where it was in the input, its full length in bytes and its sha256. */
export const truncationSchema = z.object({
  path: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: hex64,
});

/** Fields every record carries; the writer sets them (callers never do). */
const sealFields = {
  v: z.literal(AUDIT_VERSION),
  /** 1, 2, 3, ... across every file of the trail. */
  seq: z.number().int().positive(),
  /** ISO 8601 time the record was written. */
  ts: z.string(),
  /** sha256 of the previous record's canonical line (GENESIS for seq 1). */
  prev: hex64,
  /** sha256 of this record's canonical line (the line without its `hash` field). */
  hash: hex64,
};

/**
 * Which call a record is about. Optional because a call whose pending file could not be read is still decided
 * (fail-closed) and recorded; the supervisor sets every field it knows.
 */
const call = {
  /** The gate's call id, `<session>.<tool_use_id>`. */
  call: z.string().optional(),
  worker: z.string().optional(),
  worker_id: z.string().optional(),
  session: z.string().optional(),
  tool_use_id: z.string().optional(),
  tool: z.string().optional(),
};

export const decidedBySchema = z.enum(['policy', 'person', 'timeout', 'fail-closed', 'lockdown']);
export const verdictSchema = z.enum(['allow', 'escalate', 'deny']);

/** The kind-specific fields of each record, before sealing. */
export const recordBodySchema = z.discriminatedUnion('kind', [
  z.looseObject({
    kind: z.literal('decision'),
    decision_id: z.string(),
    ...call,
    /** The tool input with secrets redacted and long strings cut (see `redacted`, `truncated`). */
    input: z.record(z.string(), z.unknown()).optional(),
    redacted: z.array(z.string()).optional(),
    truncated: z.array(truncationSchema).optional(),
    verdict: verdictSchema,
    /** The hook's answer when it differs from the verdict (escalate -> ask, observe mode -> allow). */
    hook_decision: z.enum(['allow', 'deny', 'ask']).optional(),
    /** The deciding rule. */
    rule: z.string(),
    /** Every rule that matched. */
    rules: z.array(z.string()),
    /** The simple command the deciding rule matched: its name and first argument (`rm -rf`), when one did. */
    command_head: z.string().optional(),
    revision: z.string(),
    decided_by: decidedBySchema,
    /** The person, when decided_by is person. */
    by: z.string().optional(),
    reason: z.string().optional(),
    latency_ms: z.number().nonnegative(),
    observe: z.boolean().optional(),
    escalation_id: z.string().optional(),
  }),
  z.looseObject({
    kind: z.literal('escalation_opened'),
    /** Defaults to the call id: one escalation per call. */
    escalation_id: z.string().optional(),
    decision_id: z.string().optional(),
    ...call,
    to: z.enum(['human', 'dialog']).optional(),
    rule: z.string(),
    reason: z.string().optional(),
    /** ISO time the escalation times out. */
    deadline: z.string().optional(),
  }),
  z.looseObject({
    kind: z.literal('escalation_closed'),
    escalation_id: z.string().optional(),
    decision_id: z.string().optional(),
    ...call,
    outcome: z.enum(['allow', 'deny', 'timeout', 'abandoned']),
    decided_by: decidedBySchema.optional(),
    by: z.string().optional(),
    /** How long the call waited for a person. */
    waited_ms: z.number().nonnegative(),
  }),
  z.looseObject({
    kind: z.literal('grant'),
    grant_id: z.string(),
    worker: z.string().optional(),
    by: z.string(),
    /** What the grant allows (rule id, tool, pattern), as the person wrote it. */
    scope: z.string(),
    expires_at: z.string().optional(),
    reason: z.string().optional(),
  }),
  z.looseObject({
    kind: z.literal('lockdown'),
    action: z.enum(['on', 'off']),
    worker: z.string().optional(),
    by: z.string(),
    reason: z.string().optional(),
  }),
  z.looseObject({
    kind: z.literal('policy_reload'),
    revision: z.string(),
    previous_revision: z.string().optional(),
    ok: z.boolean(),
    errors: z.array(z.string()).optional(),
    source: z.string().optional(),
  }),
  z.looseObject({
    kind: z.literal('call_abandoned'),
    ...call,
    decision_id: z.string().optional(),
    reason: z.string(),
  }),
  z.looseObject({
    kind: z.literal('hook_fail_closed'),
    ...call,
    reason: z.string(),
  }),
  z.looseObject({
    /** An answer file from `toolgate approve` that was not applied. */
    kind: z.literal('answer_rejected'),
    call: z.string().optional(),
    file: z.string().optional(),
    by: z.string().optional(),
    reason: z.string(),
  }),
  z.looseObject({
    /** A call refused before any policy saw it (another call with its id was already pending). */
    kind: z.literal('call_rejected'),
    call: z.string(),
    reason: z.string(),
  }),
  z.looseObject({
    /** A settings file switched hooks off: every worker of the state directory was stopped. */
    kind: z.literal('hooks_disabled'),
    file: z.string(),
    stopped: z.array(z.string()),
    reason: z.string(),
  }),
  z.looseObject({
    kind: z.literal('supervisor_start'),
    pid: z.number().int(),
    version: z.string().optional(),
    revision: z.string().optional(),
  }),
  z.looseObject({
    kind: z.literal('supervisor_stop'),
    pid: z.number().int(),
    reason: z.string().optional(),
  }),
  z.looseObject({
    /** Written by the writer itself: bytes after the last sealed record (a torn write) were found and attested. */
    kind: z.literal('trail_recovered'),
    file: z.string(),
    /** Line of the first torn line in `file`. */
    line: z.number().int().positive(),
    bytes: z.number().int().nonnegative(),
    /** sha256 of the torn bytes, without one trailing newline. */
    sha256: hex64,
  }),
]);

export type AuditRecordBody = z.infer<typeof recordBodySchema>;
export type AuditKind = AuditRecordBody['kind'];

/** What `append` takes: one kind's fields (the writer adds v, seq, ts, prev, hash). */
export type AuditRecordInput = AuditRecordBody;

/** A sealed record as written and read. */
export type AuditRecord = AuditRecordBody & {
  v: typeof AUDIT_VERSION;
  seq: number;
  ts: string;
  prev: string;
  hash: string;
};

/** Validates the seal fields of a parsed line (the body is validated by recordBodySchema). */
export const sealSchema = z.looseObject(sealFields);

/** Every record kind, for help text and filters. */
export const AUDIT_KINDS = recordBodySchema.options.map((o) => o.shape.kind.value);

/** A checkpoint: how many records the trail had and the hash of the last one, at a time. */
export const checkpointSchema = z.object({
  v: z.literal(AUDIT_VERSION).optional(),
  count: z.number().int().nonnegative(),
  head: hex64,
  ts: z.string().optional(),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

// The file protocol between hooks and the supervisor: pending calls, spooled events, answers, decision lines.
import { z } from 'zod';
import type { Decision } from '../policy/types.js';
import { SLOTS } from './slots.js';

/** Call ids are `<session_id>.<tool_use_id>`; the gate hook only publishes ids made of these characters. */
const ID_PART = /^[A-Za-z0-9_-]{1,128}$/;

export const PendingSchema = z.object({
  v: z.literal(1),
  worker_id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  worker: z.string(),
  hook_pid: z.number().int().positive(),
  ts_us: z.number().int().positive(),
  deadline_us: z.number().int().positive(),
  /** The answer slot the hook claimed (src/gate/slots.ts); absent: the hook made `<call id>.fifo`. */
  slot: z
    .number()
    .int()
    .min(0)
    .max(SLOTS - 1)
    .optional(),
  payload: z
    .object({
      session_id: z.string(),
      cwd: z.string(),
      hook_event_name: z.literal('PreToolUse'),
      tool_name: z.string().min(1),
      tool_input: z.record(z.string(), z.unknown()),
      tool_use_id: z.string(),
      transcript_path: z.string().optional(),
      permission_mode: z.string().optional(),
      agent_id: z.string().optional(),
      agent_type: z.string().optional(),
    })
    .passthrough(),
});
export type Pending = z.infer<typeof PendingSchema>;

export const SpooledEventSchema = z.object({
  v: z.literal(1),
  worker_id: z.string(),
  event: z.string(),
  ts_us: z.number().int().positive(),
  payload: z.unknown(),
});
export type SpooledEvent = z.infer<typeof SpooledEventSchema>;

export const FailClosedSchema = z.object({
  v: z.literal(1),
  worker_id: z.string(),
  call: z.string(),
  reason: z.string(),
  ts_us: z.number(),
});

/** A person's answer to an escalated call, written by `toolgate approve`. */
export const AnswerSchema = z.object({
  v: z.literal(1),
  call: z.string(),
  decision: z.enum(['allow', 'deny']),
  reason: z.string().max(2000).optional(),
  by: z.string(),
  /** Allow calls like this one for this many minutes (grants). */
  grant_minutes: z
    .number()
    .positive()
    .max(24 * 60)
    .optional(),
  /** Widen a grant beyond the exact call: "rule" = any call this rule escalates for this worker. */
  grant_scope: z.enum(['exact', 'rule']).optional(),
  ts: z.number(),
});
export type Answer = z.infer<typeof AnswerSchema>;

export type QueueEntry =
  | { kind: 'pending'; file: string; callId: string; sessionId: string; toolUseId: string }
  /** `<call id>.<hook pid>-<hook ts_us>.tool-ready`: the hook's temp file `.gate.<pid>.<ts_us>.tmp` is complete. */
  | { kind: 'ready'; file: string; callId: string; temp: string }
  | { kind: 'event'; file: string }
  /** `<us>-<pid>.event-ready`: the event hook's temp file `.event.<pid>.<us>.tmp` is complete. */
  | { kind: 'event-ready'; file: string; temp: string; event: string }
  | { kind: 'failclosed'; file: string };

// Classifies a queue file name; undefined for temp files and anything else.
export function classifyQueueFile(name: string): QueueEntry | undefined {
  if (name.startsWith('.')) return undefined;
  if (name.endsWith('.tool-pending')) {
    const callId = name.slice(0, -'.tool-pending'.length);
    const [sessionId, toolUseId, ...rest] = callId.split('.');
    if (rest.length || !sessionId || !toolUseId || !ID_PART.test(sessionId) || !ID_PART.test(toolUseId))
      return undefined;
    return { kind: 'pending', file: name, callId, sessionId, toolUseId };
  }
  if (name.endsWith('.tool-ready')) {
    const parts = name.slice(0, -'.tool-ready'.length).split('.');
    const [sessionId, toolUseId, hook, ...rest] = parts;
    const m = /^(\d{1,10})-(\d{1,20})$/.exec(hook ?? '');
    if (rest.length || !m || !sessionId || !toolUseId || !ID_PART.test(sessionId) || !ID_PART.test(toolUseId))
      return undefined;
    return {
      kind: 'ready',
      file: name,
      callId: `${sessionId}.${toolUseId}`,
      temp: `.gate.${m[1]}.${m[2]}.tmp`,
    };
  }
  if (name.endsWith('.event')) return { kind: 'event', file: name };
  const ev = /^(\d{1,20})-(\d{1,10})\.event-ready$/.exec(name);
  if (ev)
    return {
      kind: 'event-ready',
      file: name,
      temp: `.event.${ev[2]}.${ev[1]}.tmp`,
      event: `${ev[1]}-${ev[2]}.event`,
    };
  if (name.endsWith('.failclosed')) return { kind: 'failclosed', file: name };
  return undefined;
}

/** PreToolUse decisions as Claude Code reads them. */
export type HookDecision = 'allow' | 'deny' | 'ask';

const MAX_REASON = 1500;

// Caps a reason so the decision line stays under PIPE_BUF (atomic FIFO writes) and the model's context stays small.
export function capReason(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ').trim();
  return oneLine.length > MAX_REASON ? oneLine.slice(0, MAX_REASON - 1) + '…' : oneLine;
}

// The exact JSON the gate hook prints for Claude Code. Claude Code drops the reason of an allow; text the model
// must see on an allow (a person's note) goes in `context`, sent as additionalContext, which reaches the model as
// a system-reminder after the tool's result. It is never sent with a deny or an ask.
export function hookOutput(decision: HookDecision, reason: string, context?: string): string {
  const extra = decision === 'allow' && context ? capReason(context) : '';
  return JSON.stringify({
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: decision,
      permissionDecisionReason: capReason(reason),
      ...(extra ? { additionalContext: extra } : {}),
    },
  });
}

// One line for a call's FIFO: `<call id> <hook output>\n`.
export function decisionLine(
  callId: string,
  decision: HookDecision,
  reason: string,
  context?: string,
): string {
  return `${callId} ${hookOutput(decision, reason, context)}\n`;
}

// What the model is told when a person allows its call with a reason (`toolgate approve ... allow --reason`).
export function approvalContext(reason: string | undefined): string | undefined {
  const text = reason?.trim();
  return text ? `toolgate: a person approved this tool call, with this note: ${text}` : undefined;
}

// The hook decision a policy decision becomes (observe mode never blocks).
export function toHookDecision(d: Pick<Decision, 'verdict' | 'observe' | 'escalation'>): HookDecision {
  if (d.observe) return 'allow';
  if (d.verdict === 'allow') return 'allow';
  if (d.verdict === 'escalate' && d.escalation?.to === 'dialog') return 'ask';
  return 'deny';
}

// The policy file format as zod schemas; the shipped JSON Schema (policies/policy.schema.json) is generated from it.
import { z } from 'zod';

/** Bounds on what an author may write; documented in docs/policy-language.md ("Bounds"). */
export const LIMITS = {
  ruleCount: 1000,
  idLength: 64,
  reasonLength: 1000,
  celLength: 2000,
  regexLength: 1000,
  listLength: 200,
} as const;

/** The longest escalation a policy may ask for: below the gate hook's own deadline (1860 s), itself below its timeout. */
export const MAX_ESCALATION_SECONDS = 1800;

const verdict = z
  .enum(['allow', 'deny', 'escalate'])
  .describe('allow < escalate < deny; the strictest match wins');
const duration = z
  .union([z.number().int().positive(), z.string().regex(/^\d+(ms|s|m|h|d)$/)])
  .describe('seconds as a number, or a string such as 90s, 10m, 1h');

const escalation = z
  .strictObject({
    to: z
      .enum(['human', 'dialog'])
      .optional()
      .describe('human: toolgate approve; dialog: the worker UI confirmation'),
    timeout: duration
      .refine((v) => toMillis(v) <= MAX_ESCALATION_SECONDS * 1000, {
        message: `an escalation may wait at most ${MAX_ESCALATION_SECONDS} s (30m): the gate hook itself gives up after 1860 s`,
      })
      .optional()
      .describe('how long to wait for an answer (default 10m, at most 30m)'),
    on_timeout: z
      .enum(['deny', 'allow'])
      .optional()
      .describe('what happens when nobody answers (default deny)'),
  })
  .describe('how an escalate verdict is handled');

const rate = z
  .strictObject({
    max: z.number().int().positive().describe('at most this many matching calls per window per worker'),
    window: duration,
    beyond: z.enum(['deny', 'escalate']).default('deny').describe('the verdict once the limit is reached'),
  })
  .describe('a rate limit, counted per worker');

const commandPattern = z.union([
  z
    .string()
    .min(1)
    .max(LIMITS.regexLength)
    .describe('argv prefix as words, e.g. "git push" ("*" matches any one word)'),
  z.strictObject({
    prefix: z
      .array(z.string().min(1))
      .min(1)
      .max(32)
      .describe('argv prefix words; the first is the command name'),
  }),
  z.strictObject({
    regex: z
      .string()
      .min(1)
      .max(LIMITS.regexLength)
      .describe('JS regex over the rebuilt command line "name arg1 arg2"'),
  }),
]);

const id = z
  .string()
  .max(LIMITS.idLength)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'letters, digits, ".", "_" and "-", starting with a letter or digit',
  );

const access = z.enum(['read', 'write', 'delete', 'exec']);
const stringList = z.array(z.string().min(1)).max(LIMITS.listLength);

export const ruleSchema = z
  .strictObject({
    id: id.describe('unique in the file; shown in traces and decisions'),
    decision: verdict,
    reason: z
      .string()
      .trim()
      .min(1)
      .max(LIMITS.reasonLength)
      .describe('what the model reads on deny; suggest a safer way'),
    description: z.string().optional().describe('notes for policy authors (not shown to the model)'),
    tools: z
      .union([z.string().min(1), stringList])
      .optional()
      .describe('tool names or globs, e.g. Bash, mcp__github__*'),
    commands: z
      .array(commandPattern)
      .max(LIMITS.listLength)
      .optional()
      .describe('matches any simple command (Bash)'),
    paths: stringList.optional().describe('path globs: /abs/**, ~/x/**, ${cwd}/**, **/name'),
    paths_not: stringList.optional().describe('path globs a path must not match'),
    access: z
      .array(access)
      .min(1)
      .optional()
      .describe('only paths touched this way count (unknown access always counts)'),
    when: z.string().min(1).max(LIMITS.celLength).optional().describe('a CEL condition that must be true'),
    overrides: z
      .array(id)
      .max(LIMITS.listLength)
      .optional()
      .describe('rule ids of this file this rule is an exception to'),
    rate: rate.optional(),
    escalate: escalation.optional(),
  })
  .describe('one rule: all of its conditions must hold for it to match');

const testCall = z.strictObject({
  tool: z.string().min(1),
  input: z.record(z.string(), z.unknown()).default({}),
  cwd: z.string().optional().describe('default /home/user/project'),
  home: z.string().optional().describe('default /home/user'),
  worker: z.string().optional(),
  agent: z.strictObject({ id: z.string(), type: z.string() }).optional(),
  now: z.string().optional().describe('ISO time the call is made at'),
});

export const testCaseSchema = z.strictObject({
  name: z.string().min(1),
  call: testCall,
  expect: verdict,
  rule: z.string().optional().describe('the rule id that should decide (or "default", "floor:<id>")'),
});

/** Most a notifier may wait per attempt, and most retries: notifiers never hold a decision. */
export const NOTIFY_LIMITS = { timeoutSeconds: 60, retries: 5, entries: 10 } as const;

const notifyBounds = {
  timeout: duration
    .refine((v) => toMillis(v) <= NOTIFY_LIMITS.timeoutSeconds * 1000, {
      message: `a notifier attempt may take at most ${NOTIFY_LIMITS.timeoutSeconds} s`,
    })
    .optional()
    .describe('how long one attempt may take (default 10s, at most 60s)'),
  retries: z
    .number()
    .int()
    .min(0)
    .max(NOTIFY_LIMITS.retries)
    .optional()
    .describe('attempts after a failed one (default 2)'),
};

const notifier = z.union([
  z
    .strictObject({
      command: z
        .array(z.string().min(1))
        .min(1)
        .max(64)
        .describe(
          'argv run without a shell; {call} {worker} {tool} {summary} {rule} {reason} {deadline} are filled in; the JSON body is on stdin',
        ),
      ...notifyBounds,
    })
    .describe('run a command for each escalation (e.g. notify-send)'),
  z
    .strictObject({
      webhook: z
        .string()
        .regex(/^https?:\/\//, 'an http:// or https:// URL')
        .describe('POST a JSON body to this URL for each escalation'),
      headers: z
        .record(z.string(), z.string())
        .optional()
        .describe('extra HTTP headers (e.g. Authorization)'),
      ...notifyBounds,
    })
    .describe('POST a JSON body for each escalation'),
]);

export const notifySchema = z
  .array(notifier)
  .max(NOTIFY_LIMITS.entries)
  .describe(
    'who is told when a call escalates to a person: commands and webhooks, run in the background with a timeout and retries; they never delay or change a decision',
  );
export type NotifyDoc = z.infer<typeof notifySchema>;

export const policySchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).describe('the policy language version'),
    name: z.string().optional(),
    description: z.string().optional(),
    mode: z.enum(['enforce', 'observe']).optional().describe('observe: decide and record, never block'),
    default: verdict
      .optional()
      .describe('verdict when no rule matches (the most specific layer that sets one wins)'),
    unknown: z
      .enum(['escalate', 'deny'])
      .optional()
      .describe('verdict for shell text that could not be parsed'),
    escalation: escalation.optional().describe('defaults for escalate verdicts of this file'),
    rate: rate.optional().describe('an overall limit on all calls of a worker'),
    extra_tools: stringList.optional().describe('tool names to accept besides the known Claude Code tools'),
    notify: notifySchema.optional(),
    rules: z.array(ruleSchema).max(LIMITS.ruleCount).default([]),
    tests: z.array(testCaseSchema).optional().describe('cases `toolgate policy test` runs'),
  })
  .describe('a toolgate policy file');

/** The file with rules and tests left unchecked: each rule and case is validated on its own, so all errors show. */
export const policyOuterSchema = policySchema.extend({
  rules: z.array(z.unknown()).max(LIMITS.ruleCount).default([]),
  tests: z.array(z.unknown()).optional(),
});

export const caseFileSchema = z.strictObject({
  $schema: z.string().optional(),
  policy: z.union([z.string(), z.array(z.string())]).optional(),
  tests: z.array(testCaseSchema),
});

export type PolicyDoc = z.infer<typeof policySchema>;
export type RuleDoc = z.infer<typeof ruleSchema>;
export type TestCaseDoc = z.infer<typeof testCaseSchema>;
export type EscalationDoc = z.infer<typeof escalation>;
export type RateDoc = z.infer<typeof rate>;
export type CommandPatternDoc = z.infer<typeof commandPattern>;

// Generates the JSON Schema editors use to complete and check policy files.
export function generatePolicyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(policySchema, { io: 'input' }) as Record<string, unknown>;
}

// Parses a duration (number of seconds or "10m") into milliseconds.
export function toMillis(d: number | string): number {
  if (typeof d === 'number') return d * 1000;
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(d);
  if (!m) return NaN;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    m[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Number(m[1]) * unit;
}

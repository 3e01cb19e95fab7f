// toolgate audit: list, follow, verify, summarise and checkpoint the hash-chained audit trail.
import fs from 'node:fs';
import { parse } from '../args.js';
import { println, type Command, type CommandContext } from '../command.js';
import { ToolgateError } from '../../core/errors.js';
import {
  AUDIT_KINDS,
  checkpointAudit,
  defaultCheckpointsFile,
  followAudit,
  iterateAudit,
  parseCheckpointArg,
  parseSince,
  readAudit,
  resolveAuditDir,
  summarizeAudit,
  verifyAudit,
  type AuditFilter,
  type AuditKind,
  type AuditRecord,
  type Checkpoint,
} from '../../audit/index.js';
import { formatCheckpoint, formatRecord, formatSummary, formatVerify } from '../../audit/render.js';

const HELP = `usage: toolgate audit [--worker W] [--decision D] [--rule R] [--since T] [--kind K] [--follow] [--json]
       toolgate audit verify [--checkpoint FILE|HASH:COUNT]... [--json]
       toolgate audit summary [--worker W] [--rule R] [--since T] [--json]
       toolgate audit checkpoint [--out FILE] [--json]

The audit trail: one hash-chained record per decision (and per escalation, grant, lockdown, policy reload,
supervisor start/stop), written before the decision reaches the hook.

  (no subcommand)  list records, oldest first, one line each (--json: the records as JSON lines)
    --worker W       only records about worker W
    --decision D     only records of decision D (an id or a prefix of one)
    --rule R         only decisions that rule R decided or matched, and escalations it opened
    --since T        only records since T: a duration back from now (30m, 2h, 7d) or an ISO time
    --kind K         only records of kind K (${AUDIT_KINDS.join(', ')})
    --follow         then keep printing new records (across file rotation) until interrupted
  verify           check every record's hash and the chain across all files; report the first record that was
                   changed, removed, reordered or inserted (file and line). A cut-off tail or a trail rewritten
                   with a recomputed chain is only caught against a checkpoint kept elsewhere:
    --checkpoint X   a checkpoints file, or HASH:COUNT as printed by \`audit checkpoint\` (repeatable);
                     <dir>/checkpoints.jsonl is always checked when it exists
  summary          decisions per worker, rule and verdict; most denied commands; escalations and how long people took
  checkpoint       verify, then print the record count and head hash and append {count, head, ts} to
                   <dir>/checkpoints.jsonl (or --out FILE). Copy it somewhere the workers' user cannot write.

  --dir DIR        the audit directory (default: <state dir>/audit; the state dir is TOOLGATE_STATE_DIR,
                   else $XDG_RUNTIME_DIR/toolgate, else /tmp/toolgate-<uid>)
  --json           JSON output

exit status: 0 ok; 1 verification failed, or an operational failure; 2 usage error.`;

// The trail directory, which must exist for anything but listing with --follow.
function auditDir(ctx: CommandContext, dir: string | undefined, mustExist: boolean): string {
  const d = resolveAuditDir(ctx.env, dir);
  if (mustExist && !fs.existsSync(d)) {
    throw new ToolgateError('NOT_FOUND', `no audit trail at ${d}`, {
      hint: 'start the supervisor (it writes the trail), pass --dir DIR, or set TOOLGATE_STATE_DIR',
    });
  }
  return d;
}

// Builds a filter from the common options.
function toFilter(v: {
  worker?: string;
  decision?: string;
  rule?: string;
  since?: string;
  kind?: string;
}): AuditFilter {
  const f: AuditFilter = {};
  if (v.worker !== undefined) f.worker = v.worker;
  if (v.decision !== undefined) f.decision = v.decision;
  if (v.rule !== undefined) f.rule = v.rule;
  if (v.since !== undefined) f.since = parseSince(v.since);
  if (v.kind !== undefined) {
    if (!(AUDIT_KINDS as string[]).includes(v.kind)) {
      throw new ToolgateError('USAGE', `audit: unknown --kind "${v.kind}"`, {
        hint: `one of ${AUDIT_KINDS.join(', ')}`,
      });
    }
    f.kinds = [v.kind as AuditKind];
  }
  return f;
}

const filterOptions = {
  dir: { type: 'string' },
  worker: { type: 'string' },
  rule: { type: 'string' },
  since: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

async function runList(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('audit', ctx.argv, {
    ...filterOptions,
    decision: { type: 'string' },
    kind: { type: 'string' },
    follow: { type: 'boolean', default: false },
  });
  if (positionals.length > 0) {
    throw new ToolgateError('USAGE', `audit: unknown subcommand "${positionals[0]}"`, {
      hint: 'one of verify, summary, checkpoint (or none to list); see `toolgate audit --help`',
    });
  }
  const dir = auditDir(ctx, values.dir, !values.follow);
  const filter = toFilter(values);
  const show = (r: AuditRecord) => println(ctx.stdout, values.json ? JSON.stringify(r) : formatRecord(r));
  if (!values.follow) {
    for (const r of iterateAudit(dir, filter)) show(r);
    return 0;
  }
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await followAudit(dir, filter, show, {
      signal: ac.signal,
      onWarning: (m) => println(ctx.stderr, `warning: ${m}`),
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}

async function runVerify(ctx: CommandContext): Promise<number> {
  const { values } = parse(
    'audit verify',
    ctx.argv.slice(1),
    {
      dir: { type: 'string' },
      checkpoint: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
    false,
  );
  const dir = auditDir(ctx, values.dir, true);
  const checkpoints: Checkpoint[] = [];
  const own = defaultCheckpointsFile(dir);
  if (fs.existsSync(own)) checkpoints.push(...parseCheckpointArg(own));
  for (const c of values.checkpoint ?? []) checkpoints.push(...parseCheckpointArg(c));
  const v = verifyAudit(dir, { checkpoints });
  println(ctx.stdout, values.json ? JSON.stringify(v) : formatVerify(v));
  return v.ok ? 0 : 1;
}

async function runSummary(ctx: CommandContext): Promise<number> {
  const { values } = parse('audit summary', ctx.argv.slice(1), filterOptions, false);
  const dir = auditDir(ctx, values.dir, true);
  const s = summarizeAudit(readAudit(dir, toFilter(values)));
  println(ctx.stdout, values.json ? JSON.stringify(s) : formatSummary(s));
  return 0;
}

async function runCheckpoint(ctx: CommandContext): Promise<number> {
  const { values } = parse(
    'audit checkpoint',
    ctx.argv.slice(1),
    { dir: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean', default: false } },
    false,
  );
  const dir = auditDir(ctx, values.dir, true);
  const out = values.out ?? defaultCheckpointsFile(dir);
  const c = checkpointAudit(dir, { out });
  println(ctx.stdout, values.json ? JSON.stringify({ ...c, file: out }) : formatCheckpoint(c, out));
  return 0;
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'list, follow, verify, summarise and checkpoint the audit trail',
  help: HELP,
  async run(ctx) {
    if (ctx.argv.includes('--help') || ctx.argv.includes('-h')) {
      println(ctx.stdout, HELP);
      return 0;
    }
    switch (ctx.argv[0]) {
      case 'verify':
        return runVerify(ctx);
      case 'summary':
        return runSummary(ctx);
      case 'checkpoint':
        return runCheckpoint(ctx);
      default:
        return runList(ctx);
    }
  },
};

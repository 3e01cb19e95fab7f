// toolgate approve: a person's decision on an escalated call, handed to the supervisor, which applies and records it.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import { ToolgateError } from '../../core/errors.js';
import { existingState } from '../../core/state.js';
import { writeFileAtomic } from '../../core/fsx.js';
import { resolveWorker } from '../../workers/registry.js';
import { runningSupervisor } from '../../gate/lock.js';
import { watchFile } from '../../workers/file-watch.js';
import type { Answer } from '../../gate/protocol.js';
import { pendingRows } from './pending.js';
import { ACTIVE_FILE, listAuditFiles, splitLines } from '../../audit/files.js';
import { unsealLine } from '../../audit/seal.js';

export const approveCommand: Command = {
  name: 'approve',
  summary: 'decide an escalated call: allow or deny (with a reason for the model)',
  help: `usage: toolgate approve WORKER|CALL allow|deny [--reason TEXT] [--grant MINUTES [--widen]]

Decides a call a policy escalated to a person. Name the call by its id (see \`toolgate pending\`) or by its worker
when that worker has exactly one escalated call. The reason reaches the model: with deny as the refusal it reads,
with allow as a note it gets after the tool's result.
  --grant MINUTES   also allow calls like this one for MINUTES without asking: same worker, same rule, and the
                    same command and arguments (or the same path)
  --widen           with --grant: any call this rule escalates for this worker
A grant lifts only the rule that escalated the call: a call that another rule, an unparsable part or the default
also escalates is still asked, and a deny or a lockdown is never lifted.
Prints what the supervisor did, as its audit trail records it: a call it denied because of a lockdown, an
escalation that had already timed out, or a grant it could not make is said so (exit 1).
exit status: 0 applied as asked; 1 nothing to decide, ambiguous, or not applied as asked; 2 usage error.`,
  async run(ctx) {
    const { values, positionals } = parse('approve', ctx.argv, {
      reason: { type: 'string' },
      grant: { type: 'string' },
      widen: { type: 'boolean', default: false },
      by: { type: 'string' },
    });
    const [ref, decision] = positionals;
    if (!ref || (decision !== 'allow' && decision !== 'deny')) {
      throw new ToolgateError('USAGE', 'approve needs a worker or call id, then allow or deny', {
        hint: 'toolgate approve w1 allow --reason "ok"',
      });
    }
    const s = existingState(ctx.env);
    if (!runningSupervisor(s))
      throw new ToolgateError('SUPERVISOR', 'no supervisor is running, so no call can be decided', {
        hint: 'start one: toolgate supervise --daemon',
      });
    const escalated = pendingRows(s).filter((r) => r.escalated);
    let call = escalated.find((r) => r.call === ref);
    if (!call) {
      const w = resolveWorker(s, ref);
      const mine = escalated.filter((r) => r.worker_id === w.worker_id);
      if (mine.length === 0)
        throw new ToolgateError('NO_PENDING', `worker "${w.name}" has no call waiting for a person`, {
          hint: 'see `toolgate pending`',
        });
      if (mine.length > 1) {
        throw new ToolgateError(
          'AMBIGUOUS',
          `worker "${w.name}" has ${mine.length} calls waiting: ${mine.map((m) => `${m.call} (${m.tool}: ${m.summary})`).join('; ')}`,
          {
            hint: 'name the call: toolgate approve CALL allow|deny',
          },
        );
      }
      call = mine[0]!;
    }
    let grant: number | undefined;
    if (values.grant !== undefined) {
      grant = Number(values.grant);
      if (!(grant > 0 && grant <= 1440))
        throw new ToolgateError(
          'USAGE',
          `--grant expects minutes between 1 and 1440, got "${values.grant}"`,
          { hint: '--grant 30' },
        );
      if (decision !== 'allow')
        throw new ToolgateError('USAGE', '--grant goes with allow', { hint: 'drop --grant, or allow' });
    }
    const answer: Answer = {
      v: 1,
      call: call.call,
      decision,
      ...(values.reason ? { reason: values.reason } : {}),
      by: values.by ?? `${os.userInfo().username}@${os.hostname()}`,
      ...(grant ? { grant_minutes: grant, grant_scope: values.widen ? 'rule' : 'exact' } : {}),
      ts: Date.now(),
    };
    const pendingFile = path.join(s.queue, `${call.call}.tool-pending`);
    const mark = auditMark(s.audit);
    writeFileAtomic(path.join(s.answers, `${call.call}.answer`), JSON.stringify(answer) + '\n');
    const seen = await awaitOutcome(s.audit, mark, call.call, pendingFile, 10_000);
    if (!seen)
      throw new ToolgateError('SUPERVISOR', 'the supervisor did not apply the answer within 10 s', {
        hint: `see ${s.supervisorLog}`,
      });
    const what = `${call.call} (${call.worker}: ${call.tool} ${call.summary})`;
    const r = describeOutcome(answer, seen);
    println(ctx.stdout, `${r.line.replace('{call}', what)}`);
    for (const note of r.notes) println(ctx.stderr, `toolgate: ${note}`);
    return r.ok ? 0 : 1;
  },
};

/** Where the audit trail ends before the answer is written: the records after it are the supervisor's answer. */
interface AuditMark {
  ino: number;
  size: number;
}

function auditMark(dir: string): AuditMark | undefined {
  try {
    const st = fs.statSync(path.join(dir, ACTIVE_FILE));
    return { ino: st.ino, size: st.size };
  } catch {
    return undefined; // no trail yet: every record counts
  }
}

// The sealed records written after the mark: the rest of the file it was taken in (also once rotated), then any
// newer file. Unsealed or torn lines are skipped.
function auditSince(dir: string, mark: AuditMark | undefined): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let files: string[];
  try {
    files = listAuditFiles(dir);
  } catch {
    return out;
  }
  const inos = files.map((f) => {
    try {
      return fs.statSync(f).ino;
    } catch {
      return -1;
    }
  });
  const at = mark ? inos.indexOf(mark.ino) : -1;
  const from = at >= 0 ? at : mark ? files.length - 1 : 0;
  for (let i = Math.max(0, from); i < files.length; i++) {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(files[i]!);
    } catch {
      continue;
    }
    if (i === at && mark) buf = buf.subarray(mark.size);
    for (const l of splitLines(buf)) {
      if (!l.terminated) continue;
      const u = unsealLine(l.bytes);
      if (u.ok) out.push(u.record as unknown as Record<string, unknown>);
    }
  }
  return out;
}

/** The supervisor's records about this call after the answer. */
interface Outcome {
  decision?: Record<string, unknown>;
  rejected?: Record<string, unknown>[];
  grant?: Record<string, unknown>;
  abandoned?: Record<string, unknown>;
}

// Waits until the supervisor has recorded what it did with the answer (its decision, or that it rejected the
// answer), or the call's pending file is gone and no record came within a grace period.
async function awaitOutcome(
  dir: string,
  mark: AuditMark | undefined,
  callId: string,
  pendingFile: string,
  timeoutMs: number,
): Promise<Outcome | undefined> {
  const end = Date.now() + timeoutMs;
  let goneAt: number | undefined;
  let wake: () => void = () => undefined;
  const w = watchFile(pendingFile, () => wake());
  try {
    for (;;) {
      const recs = auditSince(dir, mark).filter((r) => r.call === callId);
      const decision = recs.find((r) => r.kind === 'decision');
      const rejected = recs.filter((r) => r.kind === 'answer_rejected');
      const abandoned = recs.find((r) => r.kind === 'call_abandoned');
      const grant = recs.find((r) => r.kind === 'grant' && r.action === 'created');
      const gone = !fs.existsSync(pendingFile);
      if (gone && goneAt === undefined) goneAt = Date.now();
      // The supervisor writes every record of a call before it removes the call's pending file.
      if ((decision || abandoned) && gone) return { decision, rejected, grant, abandoned };
      if (!decision && rejected.some((r) => r.reason === 'no open escalation for this call'))
        return { rejected };
      if (goneAt !== undefined && Date.now() - goneAt > 2000) return {};
      if (Date.now() > end) return gone ? {} : undefined;
      await new Promise<void>((r) => {
        const t = setTimeout(r, 100);
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  } finally {
    w.close();
  }
}

// What to tell the person: a line for stdout ({call} is filled in), notes for stderr, and whether the answer was
// applied as asked.
function describeOutcome(a: Answer, o: Outcome): { line: string; notes: string[]; ok: boolean } {
  const d = o.decision;
  if (!d) {
    if (o.abandoned)
      return {
        line: 'not applied: {call} was abandoned before a decision (Esc in the worker, or the worker died)',
        notes: [],
        ok: false,
      };
    if (o.rejected?.length)
      return {
        line: `not applied: {call}: the supervisor rejected the answer (${String(o.rejected[0]!.reason)})`,
        notes: ['the call may have been decided just before (a timeout or a lockdown); see `toolgate audit`'],
        ok: false,
      };
    return {
      line: 'unknown: the supervisor took the answer for {call}, but no decision record for it was found in the audit trail',
      notes: ['see `toolgate audit --decision CALL` and the supervisor log before assuming the call ran'],
      ok: false,
    };
  }
  const verdict = d.verdict === 'allow' ? 'allowed' : 'denied';
  const by = String(d.decided_by ?? '');
  const notes: string[] = [];
  if (o.abandoned)
    notes.push("the worker's hook was already gone, so the call did not run (Esc, or the worker died)");
  if (by === 'lockdown')
    return {
      line: `denied {call}: toolgate is in lockdown, so the supervisor denied it${a.decision === 'allow' ? ' (your allow was not applied)' : ''}`,
      notes: [...notes, 'lift it with `toolgate lockdown off` (see `toolgate lockdown status`)'],
      ok: a.decision === 'deny',
    };
  if (by !== 'person')
    return {
      line: `${verdict} {call} by ${by || 'the supervisor'}, not by your answer`,
      notes,
      ok: false,
    };
  if (d.verdict !== a.decision || d.hook_decision !== a.decision)
    return { line: `${verdict} {call} (not as you answered)`, notes, ok: false };
  let line = `${verdict} {call}`;
  let ok = !o.abandoned;
  if (a.grant_minutes) {
    if (typeof d.grant_id === 'string') {
      line += `; grant ${d.grant_id}${o.grant?.expires_at ? ` until ${String(o.grant.expires_at)}` : ''}${o.grant?.scope ? `: ${String(o.grant.scope)}` : ''}`;
    } else {
      const why = o.rejected?.find((r) => String(r.reason).includes('grant'))?.reason;
      notes.push(
        `no grant was made${why ? ` (${String(why)})` : ''}; calls like this one will still be escalated (see the supervisor log)`,
      );
      ok = false;
    }
  }
  return { line, notes, ok };
}

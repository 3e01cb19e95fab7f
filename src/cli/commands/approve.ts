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

export const approveCommand: Command = {
  name: 'approve',
  summary: 'decide an escalated call: allow or deny (with a reason for the model)',
  help: `usage: toolgate approve WORKER|CALL allow|deny [--reason TEXT] [--grant MINUTES [--widen]]

Decides a call a policy escalated to a person. Name the call by its id (see \`toolgate pending\`) or by its worker
when that worker has exactly one escalated call. The reason reaches the model.
  --grant MINUTES   also allow calls like this one for MINUTES without asking: same worker, same rule, and the
                    same command and arguments (or the same path)
  --widen           with --grant: any call this rule escalates for this worker
exit status: 0 applied; 1 nothing to decide, ambiguous, or the supervisor did not apply it; 2 usage error.`,
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
    const applied = new Promise<boolean>((resolve) => {
      const w = watchFile(pendingFile, () => {
        if (!fs.existsSync(pendingFile)) done(true);
      });
      const t = setTimeout(() => done(false), 10_000);
      const done = (v: boolean) => {
        w.close();
        clearTimeout(t);
        resolve(v);
      };
    });
    writeFileAtomic(path.join(s.answers, `${call.call}.answer`), JSON.stringify(answer) + '\n');
    if (!(await applied))
      throw new ToolgateError('SUPERVISOR', 'the supervisor did not apply the answer within 10 s', {
        hint: `see ${s.supervisorLog}`,
      });
    println(
      ctx.stdout,
      `${decision === 'allow' ? 'allowed' : 'denied'} ${call.call} (${call.worker}: ${call.tool} ${call.summary})`,
    );
    return 0;
  },
};

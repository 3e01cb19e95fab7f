// toolgate grants [list] | revoke ID: the grants in force (from `toolgate approve --grant`), and taking one back.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { parse } from '../args.js';
import { println, type Command } from '../command.js';
import { ToolgateError } from '../../core/errors.js';
import { existingState, type StatePaths } from '../../core/state.js';
import { writeFileAtomic } from '../../core/fsx.js';
import { runningSupervisor } from '../../gate/lock.js';
import { watchFile } from '../../workers/file-watch.js';
import { grantsFile, readGrants, type Grant, type Revoke } from '../../gate/grants.js';

// The grants in force now (expired ones the supervisor has not dropped yet are left out).
export function liveGrants(s: StatePaths, now = Date.now()): { grants: Grant[]; error?: string } {
  const r = readGrants(grantsFile(s));
  return {
    grants: r.grants.filter((g) => Date.parse(g.expires_at) > now),
    ...(r.error ? { error: r.error } : {}),
  };
}

export function grantLine(g: Grant, now = Date.now()): string {
  const left = Math.max(0, Math.round((Date.parse(g.expires_at) - now) / 1000));
  const mins = left >= 60 ? `${Math.floor(left / 60)}m${String(left % 60).padStart(2, '0')}s` : `${left}s`;
  return `${g.id}  ${g.worker}  ${g.summary}  by ${g.by}, ${mins} left`;
}

export const grantsCommand: Command = {
  name: 'grants',
  summary: 'list the grants in force, or revoke one',
  help: `usage: toolgate grants [list] [--json]
       toolgate grants revoke ID [--reason TEXT]

A grant (made with \`toolgate approve CALL allow --grant MINUTES [--widen]\`) lets calls like the approved one
through without asking until it expires: same worker, same rule, and the same command line (Bash) or the same
path (Read/Write/Edit/...), or with --widen any call that rule escalates for that worker. Grants never lift a
deny or a lockdown. Calls let through are recorded with rule grant:<ID>, decided_by person, by the grantor.
revoke  ends a grant now (the supervisor removes it and records it in the audit trail).
exit status: 0 ok; 1 failure (no such grant, no supervisor); 2 usage error.`,
  async run(ctx) {
    const { values, positionals } = parse('grants', ctx.argv, {
      json: { type: 'boolean', default: false },
      reason: { type: 'string' },
      by: { type: 'string' },
    });
    const [sub = 'list', id, ...more] = positionals;
    const s = existingState(ctx.env);
    if (sub === 'list' && !id) {
      const { grants, error } = liveGrants(s);
      if (error) println(ctx.stderr, `warning: ${error}`);
      if (values.json) println(ctx.stdout, JSON.stringify(grants, null, 2));
      else if (!grants.length) println(ctx.stderr, 'No grants are in force');
      else for (const g of grants) println(ctx.stdout, grantLine(g));
      return 0;
    }
    if (sub !== 'revoke' || !id || more.length)
      throw new ToolgateError('USAGE', 'grants takes list, or revoke and one grant id', {
        hint: 'toolgate grants revoke g-0123abcd45',
      });
    if (!/^g-[0-9a-f]{8,32}$/.test(id))
      throw new ToolgateError('USAGE', `"${id}" is not a grant id`, { hint: 'see `toolgate grants`' });
    if (!liveGrants(s).grants.some((g) => g.id === id))
      throw new ToolgateError('NOT_FOUND', `no grant ${id} is in force`, { hint: 'see `toolgate grants`' });
    if (!runningSupervisor(s))
      throw new ToolgateError('SUPERVISOR', 'no supervisor is running to revoke the grant', {
        hint: 'start one: toolgate supervise --daemon',
      });
    const req: Revoke = {
      v: 1,
      grant: id,
      by: values.by ?? `${os.userInfo().username}@${os.hostname()}`,
      ...(values.reason ? { reason: values.reason } : {}),
      ts: Date.now(),
    };
    const file = path.join(s.answers, `${id}.revoke`);
    writeFileAtomic(file, JSON.stringify(req) + '\n');
    const applied = new Promise<boolean>((resolve) => {
      const h: { settled: boolean; w?: { close(): void }; t?: NodeJS.Timeout } = { settled: false };
      const done = (v: boolean) => {
        if (h.settled) return;
        h.settled = true;
        h.w?.close();
        if (h.t) clearTimeout(h.t);
        resolve(v);
      };
      h.t = setTimeout(() => done(false), 10_000);
      h.w = watchFile(file, () => {
        if (!fs.existsSync(file)) done(true);
      });
      if (h.settled) h.w.close();
    });
    if (!(await applied))
      throw new ToolgateError('SUPERVISOR', 'the supervisor did not apply the revocation within 10 s', {
        hint: `see ${s.supervisorLog}`,
      });
    if (liveGrants(s).grants.some((g) => g.id === id))
      throw new ToolgateError('SUPERVISOR', `grant ${id} is still in the grants file`, {
        hint: `see ${s.supervisorLog}`,
      });
    println(ctx.stdout, `revoked ${id}`);
    return 0;
  },
};

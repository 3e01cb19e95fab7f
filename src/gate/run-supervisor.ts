// Runs a supervisor in this process (foreground), or starts one in the background and waits until it is ready.
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { TOOLGATE_BIN } from '../core/package-paths.js';
import { pino } from 'pino';
import { ToolgateError } from '../core/errors.js';
import { writeFileAtomic, readJsonFile, pidAlive } from '../core/fsx.js';
import type { StatePaths } from '../core/state.js';
import { acquireSupervisorLock, releaseSupervisorLock, runningSupervisor } from './lock.js';
import { Supervisor, type AuditSink } from './supervisor.js';
import { createPolicyDecider, policyProblems } from './policy-decider.js';
import { openAuditLog } from '../audit/index.js';
import { watchFile } from '../workers/file-watch.js';
import { Notifier } from './notify.js';
import { guardHooks } from './hooks-guard.js';

export interface SuperviseOptions {
  policies: string[];
  logLevel: string;
  /** The audit trail's active file rotates beyond this many bytes (default: the writer's, 64 MiB). */
  auditRotateBytes?: number;
}

/** What a ready supervisor writes for others to read. */
export interface SupervisorInfo {
  pid: number;
  started_at: string;
  ready: boolean;
  policies: string[];
  problems?: string[];
}

// Compiles policy files as the supervisor will (the escalation cap included) and throws POLICY_INVALID, naming
// each problem's file:line, when they do not load. Called when the files are given (supervise, launch), so that a
// policy that could never decide a call is refused before anything is started, written or changed, instead of
// denying the first call later.
export function assertPoliciesLoad(files: string[], what: 'supervise' | 'launch'): void {
  if (!files.length) return;
  const problems = policyProblems(files);
  if (!problems.length) return;
  throw new ToolgateError(
    'POLICY_INVALID',
    `${what === 'supervise' ? 'the supervisor was not started' : 'the worker was not launched'}: --policy does not load (${problems.length} error(s)):\n${problems.join('\n')}`,
    {
      hint: `fix the file(s) and try again (\`toolgate policy check ${files.join(' ')}\` shows every problem); nothing was started or changed`,
      details: { problems },
    },
  );
}

// Runs until SIGTERM/SIGINT; resolves with the exit status.
export async function runSupervisor(
  s: StatePaths,
  opts: SuperviseOptions,
  onReady: (info: SupervisorInfo) => void,
): Promise<number> {
  assertPoliciesLoad(opts.policies, 'supervise');
  acquireSupervisorLock(s);
  const logger = pino(
    { level: opts.logLevel, base: { pid: process.pid } },
    pino.destination({ dest: s.supervisorLog, sync: true, mkdir: false }),
  );
  let audit: ReturnType<typeof openAuditLog>;
  let decider: Awaited<ReturnType<typeof createPolicyDecider>>;
  let publish: () => void = () => undefined;
  try {
    audit = openAuditLog(s.audit, {
      onWarning: (m) => logger.warn(m),
      ...(opts.auditRotateBytes ? { maxFileBytes: opts.auditRotateBytes } : {}),
    });
    decider = await createPolicyDecider({
      stateDir: s.root,
      policies: opts.policies,
      home: process.env.HOME ?? '/',
      logger,
      onReload: (r) => {
        try {
          audit.append({
            kind: 'policy_reload',
            revision: r.revision ?? 'none',
            ok: r.ok,
            errors: r.errors.length ? r.errors : undefined,
            source: r.files.join(', '),
          });
        } catch (err) {
          logger.error({ err }, 'cannot record a policy reload');
        }
        publish();
      },
    });
  } catch (e) {
    releaseSupervisorLock(s);
    throw e;
  }
  const notifier = new Notifier({ logger, configFor: (files) => decider.notifyConfig(files) });
  const sup = new Supervisor({
    state: s,
    decider,
    audit: audit as unknown as AuditSink,
    logger,
    onEscalation: (e) => notifier.escalation(e),
  });
  const info: SupervisorInfo = {
    pid: process.pid,
    started_at: new Date().toISOString(),
    ready: false,
    policies: opts.policies,
  };
  // supervisor.json carries the problems an operator must see (`toolgate pending`, `toolgate status`).
  let published = '';
  publish = () => {
    if (!info.ready) return;
    const problems = [...decider.problems(), ...sup.problems()];
    const text = JSON.stringify({ ...info, problems }) + '\n';
    if (text === published) return;
    try {
      writeFileAtomic(s.supervisorJson, text);
      published = text;
    } catch (err) {
      logger.error({ err }, 'cannot publish supervisor.json');
    }
  };
  const publisher = setInterval(publish, 1000);
  publisher.unref();
  try {
    audit.append({ kind: 'supervisor_start', pid: process.pid, policies: opts.policies });
    await sup.start();
    writeFileAtomic(s.supervisorPid, String(process.pid) + '\n');
    info.ready = true;
    writeFileAtomic(s.supervisorJson, JSON.stringify(info) + '\n');
    publish();
    logger.info({ state: s.root }, 'supervisor ready');
    onReady(info);
  } catch (e) {
    releaseSupervisorLock(s);
    throw e;
  }
  const guard = guardHooks({
    state: s,
    env: process.env,
    logger,
    record: (rec) => {
      try {
        audit.append(rec);
      } catch (err) {
        logger.error({ err }, 'cannot record hooks_disabled');
      }
    },
  });
  const code = await new Promise<number>((resolve) => {
    const stop = (sig: string) => {
      logger.info({ sig }, 'supervisor stopping');
      resolve(0);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  clearInterval(publisher);
  guard.close();
  await sup.stop();
  await notifier.drain(3000);
  audit.append({ kind: 'supervisor_stop', pid: process.pid, decisions: sup.decisions, reason: 'signal' });
  audit.close();
  decider.close();
  for (const f of [s.supervisorPid, s.supervisorJson]) {
    if (readPid(f) === process.pid || f === s.supervisorJson) fs.rmSync(f, { force: true });
  }
  releaseSupervisorLock(s);
  return code;
}

function readPid(file: string): number | undefined {
  try {
    return Number(fs.readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
}

// Starts a background supervisor (unless one runs) and waits until it says it is ready.
export async function startDaemon(
  s: StatePaths,
  opts: SuperviseOptions,
  env: NodeJS.ProcessEnv,
  timeoutMs = 15_000,
): Promise<{ pid: number; started: boolean }> {
  assertPoliciesLoad(opts.policies, 'supervise');
  const running = runningSupervisor(s);
  if (running) return { pid: running, started: false };
  const args = [
    TOOLGATE_BIN,
    'supervise',
    '--log-level',
    opts.logLevel,
    ...opts.policies.flatMap((p) => ['--policy', p]),
    ...(opts.auditRotateBytes ? ['--audit-rotate-mb', String(opts.auditRotateBytes / 1024 / 1024)] : []),
  ];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: 'ignore',
    env: { ...env, TOOLGATE_STATE_DIR: s.root },
  });
  child.unref();
  const pid = child.pid!;
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const done = (err?: Error) => {
      if (settled) return;
      settled = true;
      w.close();
      clearTimeout(t);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    const check = () => {
      const info = readJsonFile<SupervisorInfo>(s.supervisorJson);
      if (info?.ready && info.pid === pid) done();
      else if (info?.ready && info.pid !== pid && pidAlive(info.pid)) done(); // another starter won the race
    };
    const onExit = (code: number | null) => {
      // Lost a race: another starter's supervisor holds the lock; wait for that one to say it is ready.
      if (lockHolder(s) !== undefined) return check();
      done(
        new ToolgateError('SUPERVISOR', `the supervisor exited during start (status ${code})`, {
          hint: `see its log: ${s.supervisorLog}`,
        }),
      );
    };
    const w = watchFile(s.supervisorJson, check);
    const t = setTimeout(
      () =>
        done(
          new ToolgateError('SUPERVISOR', 'the supervisor did not become ready in time', {
            hint: `see ${s.supervisorLog}`,
          }),
        ),
      timeoutMs,
    );
    child.on('exit', onExit);
    check();
  });
  return { pid: runningSupervisor(s) ?? pid, started: true };
}

// The live pid holding the supervisor lock, if any (a supervisor that is starting or running).
function lockHolder(s: StatePaths): number | undefined {
  try {
    const pid = Number(fs.readFileSync(s.supervisorLock, 'utf8').trim());
    return pidAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

// Stops the running supervisor (SIGTERM) and waits for it to exit; false when none ran.
export async function stopDaemon(s: StatePaths, timeoutMs = 10_000): Promise<boolean> {
  const pid = runningSupervisor(s);
  if (!pid) return false;
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() > until) {
      throw new ToolgateError(
        'SUPERVISOR',
        `the supervisor (pid ${pid}) did not stop within ${timeoutMs / 1000}s`,
        {
          hint: `kill it with \`kill -9 ${pid}\``,
        },
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

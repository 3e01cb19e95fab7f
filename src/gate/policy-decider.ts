// Decides calls with the policy engine: each worker's layers (supervisor policies, then the worker's own), under
// the self-protection floor, recompiled when a policy file changes (a broken file leaves the last good policy).
import fs from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import {
  buildFloor,
  compileText,
  evaluate,
  formatDiagnostic,
  loadPolicy,
  prepareCall,
  type CompiledPolicy,
} from '../policy/index.js';
import { assemblePolicy } from '../policy/assemble.js';
import type { CompiledLayer } from '../policy/model.js';
import type { Decision, HookPayload, RateFacts } from '../policy/types.js';
import { expandGlob, initShellParser, parseShell, resolvePath } from '../shell/index.js';
import { listWorkers, type WorkerRecord } from '../workers/registry.js';
import { statePaths } from '../core/state.js';
import { failClosed, type Decider } from './decider.js';
import { DEFAULT_POLICY, PLUGIN_DIR } from '../core/package-paths.js';
import { notifySchema, type NotifyDoc } from '../policy/schema.js';
import { parseSource } from '../policy/source.js';

/** Per-key history of allowed calls, for rate limits (kept for the longest window used, one hour). */
class RateHistory implements RateFacts {
  private readonly hits = new Map<string, number[]>();
  count(key: string, sinceMs: number): number {
    const list = this.hits.get(key);
    if (!list) return 0;
    let n = 0;
    for (let i = list.length - 1; i >= 0 && list[i]! >= sinceMs; i--) n++;
    return n;
  }
  record(keys: string[], at: number): void {
    for (const k of keys) {
      const list = this.hits.get(k) ?? [];
      list.push(at);
      while (list.length && list[0]! < at - 3_600_000) list.shift();
      this.hits.set(k, list);
    }
  }
}

interface Compiled {
  policy: CompiledPolicy;
  revision: string;
}

export interface PolicyDeciderOptions {
  stateDir: string;
  /** Layers every worker gets, before its own (`toolgate supervise --policy`); default policies/default.yaml. */
  policies: string[];
  home: string;
  logger: Logger;
  /** Called after each reload attempt (for the audit trail). */
  onReload?: (r: { files: string[]; ok: boolean; revision?: string; errors: string[] }) => void;
}

// Creates the decider once the shell parser is loaded.
export async function createPolicyDecider(
  o: PolicyDeciderOptions,
): Promise<
  Decider & { check(files: string[]): string[]; notifyConfig(workerPolicies: string[]): NotifyDoc }
> {
  await initShellParser();
  const base = o.policies.length ? o.policies : [DEFAULT_POLICY];
  const cache = new Map<string, Compiled>(); // key: layer files + observe + workspace
  const problems = new Map<string, string[]>();
  const rates = new RateHistory();
  const watched = new Set<string>();
  const notifyCache = new Map<string, { mtimeMs: number; notify: NotifyDoc }>();
  let watcher: FSWatcher | undefined;

  const filesOf = (w: WorkerRecord) => [...base, ...w.policy];
  const keyOf = (w: WorkerRecord) => JSON.stringify([filesOf(w), w.observe, w.cwd]);

  // Compiled layers by file, reused while the file's text is unchanged: every worker shares them, and only its
  // small floor (which names its workspace) is built per worker.
  const layerCache = new Map<string, { text: string; layer: CompiledLayer }>();
  const layersOf = (files: string[]): { layers: CompiledLayer[]; errors: string[] } => {
    const layers: CompiledLayer[] = [];
    const errors: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        errors.push(`${file}: cannot read: ${(e as Error).message}`);
        continue;
      }
      const hit = layerCache.get(file);
      if (hit && hit.text === text) {
        layers.push(hit.layer);
        continue;
      }
      let r: ReturnType<typeof compileText>;
      try {
        r = compileText(file, text);
      } catch (e) {
        errors.push(`${file}: internal error while compiling: ${(e as Error).message}`);
        continue;
      }
      const errs = r.diagnostics.filter((d) => d.severity === 'error');
      if (!r.layer || errs.length) {
        // A file that yields no layer is an error even without a diagnostic: dropping a layer could lift its denies.
        errors.push(
          ...(errs.length ? errs.map(formatDiagnostic) : [`${file}: did not compile to a policy layer`]),
        );
        continue;
      }
      layerCache.set(file, { text, layer: r.layer });
      layers.push(r.layer);
    }
    return { layers, errors };
  };

  const compile = (w: WorkerRecord): Compiled | undefined => {
    const files = filesOf(w);
    const { layers, errors } = layersOf(files);
    if (errors.length) {
      problems.set(keyOf(w), errors);
      o.onReload?.({ files, ok: false, errors });
      return undefined;
    }
    const floor = buildFloor({
      stateDir: o.stateDir,
      policyFiles: files,
      pluginDir: PLUGIN_DIR,
      home: o.home,
      workspace: w.cwd,
      supervisorPid: process.pid,
    });
    const policy = assemblePolicy([floor, ...layers], { observe: w.observe });
    problems.delete(keyOf(w));
    const c = { policy, revision: policy.revision };
    o.onReload?.({ files, ok: true, revision: c.revision, errors: [] });
    return c;
  };

  // Recompiles every cached layer set that uses `file`; a failure keeps the last good policy.
  const reload = (file: string) => {
    for (const [key, c] of cache) {
      const [files, observe, cwd] = JSON.parse(key) as [string[], boolean, string];
      if (!files.includes(file)) continue;
      let next: Compiled | undefined;
      try {
        next = compile({ policy: files.slice(base.length), observe, cwd } as unknown as WorkerRecord);
      } catch (err) {
        o.logger.error({ err, file }, 'policy reload failed');
        o.onReload?.({
          files,
          ok: false,
          errors: [`internal error while reloading: ${(err as Error).message}`],
        });
      }
      if (next) cache.set(key, next);
      else
        o.logger.error(
          { file, kept: c.revision },
          'policy reload failed; the last good policy stays in force',
        );
    }
  };

  // A file is read once its events have settled. Chokidar drops a file's 'change' events for 50 ms after one it
  // emitted (a leading-edge throttle, with no trailing event): a policy read at once could be the file half
  // written (truncated, not yet filled), and the write that completed it would never be seen, leaving a stale or
  // failed reload in force until a restart. Read after a quiet period longer than that window, every write that
  // chokidar swallowed has already landed; a later write raises its own event and restarts the wait.
  const SETTLE_MS = 100;
  const settling = new Map<string, NodeJS.Timeout>();
  const watchFiles = (files: string[]) => {
    const fresh = files.filter((f) => !watched.has(f));
    if (!fresh.length) return;
    fresh.forEach((f) => watched.add(f));
    if (!watcher) {
      watcher = watch(fresh, { ignoreInitial: true, awaitWriteFinish: false });
      watcher.on('all', (_ev, changed: string) => {
        const file = path.resolve(changed);
        clearTimeout(settling.get(file));
        settling.set(
          file,
          setTimeout(() => {
            settling.delete(file);
            reload(file);
          }, SETTLE_MS),
        );
      });
    } else watcher.add(fresh);
  };

  // The other live workers' workspaces, read from their records at most once a second.
  let workspaces: { at: number; list: { id: string; cwd: string }[] } = { at: -Infinity, list: [] };
  const otherWorkspaces = (w: WorkerRecord, now: number): string[] => {
    if (now - workspaces.at > 1000) {
      workspaces = {
        at: now,
        list: listWorkers(statePaths(o.stateDir)).map((r) => ({ id: r.worker_id, cwd: r.cwd })),
      };
    }
    return workspaces.list.filter((x) => x.id !== w.worker_id && x.cwd !== w.cwd).map((x) => x.cwd);
  };

  return {
    decide(worker: WorkerRecord, payload: HookPayload, now: number): Decision {
      try {
        const key = keyOf(worker);
        let c = cache.get(key);
        if (!c) {
          c = compile(worker);
          watchFiles(filesOf(worker));
          if (!c) {
            return failClosed(
              `toolgate denied this tool call: this worker's policy does not load (${(problems.get(key) ?? []).join('; ').slice(0, 500)}). An operator must fix it. Do not try to work around this; stop and report it.`,
            );
          }
          cache.set(key, c);
        }
        const call = prepareCall(
          payload,
          { worker: worker.name, home: o.home, now },
          { parseShell, resolvePath, expandGlob },
        );
        call.otherWorkspaces = otherWorkspaces(worker, now);
        const d = evaluate(c.policy, call, rates);
        if (d.verdict === 'allow' && d.rateKeys.length) rates.record(d.rateKeys, now);
        return d;
      } catch (e) {
        o.logger.error({ err: e }, 'decision failed');
        return failClosed(
          'toolgate denied this tool call: the policy engine failed on it (fail closed). Do not try to work around this; stop and report it.',
        );
      }
    },
    problems: () => [...new Set([...problems.values()].flat())],
    // The notifiers of the supervisor's layers and then the worker's; a file that does not read or validate
    // now keeps its last good notifiers (and its problem is logged).
    notifyConfig(workerPolicies: string[]): NotifyDoc {
      const out: NotifyDoc = [];
      for (const file of [...base, ...workerPolicies]) {
        let mtimeMs = -1;
        try {
          mtimeMs = fs.statSync(file).mtimeMs;
        } catch {
          /* gone: keep the last good */
        }
        const cached = notifyCache.get(file);
        if (cached && (cached.mtimeMs === mtimeMs || mtimeMs === -1)) {
          out.push(...cached.notify);
          continue;
        }
        try {
          const data = parseSource(file, fs.readFileSync(file, 'utf8')).data as
            { notify?: unknown } | undefined;
          const r = notifySchema.safeParse(data?.notify ?? []);
          if (!r.success) throw new Error(r.error.issues[0]?.message ?? 'invalid notify block');
          notifyCache.set(file, { mtimeMs, notify: r.data });
          out.push(...r.data);
        } catch (err) {
          o.logger.error({ err, file }, 'cannot read the notify block; the last good one stays in force');
          if (cached) out.push(...cached.notify);
        }
      }
      return out;
    },
    check: policyProblems,
    close() {
      for (const t of settling.values()) clearTimeout(t);
      settling.clear();
      void watcher?.close();
    },
  };
}

// The errors that keep these policy files from loading (compiled as the decider compiles them, the
// escalation cap included), each formatted `file:line:col: CODE path: message` with its hint; [] when they load.
export function policyProblems(files: string[]): string[] {
  const r = loadPolicy(files);
  const errors = r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  // A file that yields no layer is an error even without a diagnostic (as in the decider).
  if (!errors.length && !r.policy) errors.push(`${files.join(', ')}: did not compile to a policy`);
  return errors;
}

// True when a file exists and is readable (for early, clear errors on --policy).
export function policyFileProblem(file: string): string | undefined {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return undefined;
  } catch (e) {
    return `${file}: ${(e as Error).message}`;
  }
}

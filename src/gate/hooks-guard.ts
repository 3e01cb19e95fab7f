// Stops the workers whose hooks were switched off. A running Claude Code re-reads its settings: `disableAllHooks`
// written into the user's settings while a worker runs turns its hooks, the gate included, off (and they stay off
// after the line is removed; seen on 2.1.330). The floor stops tool calls from writing those files, but code outside
// the gate could, so the supervisor watches them and ends every worker of its state directory at once.
import type { Logger } from 'pino';
import type { StatePaths } from '../core/state.js';
import { watchFile, type Watch } from '../workers/file-watch.js';
import { hookSettingsFiles, hooksDisabledBy } from '../workers/worker-env.js';
import { listWorkers } from '../workers/registry.js';
import { killSession, tmuxOn } from '../workers/tmux.js';
import type { AuditRecordInput } from '../audit/schema.js';

export interface HooksGuardOptions {
  state: StatePaths;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Records what happened (the audit trail). */
  record: (rec: AuditRecordInput) => void;
}

// Checks now and on every change of the settings files; returns the watch to close.
export function guardHooks(o: HooksGuardOptions): Watch {
  let busy = false;
  const check = () => {
    const file = hooksDisabledBy(o.env);
    if (!file || busy) return;
    busy = true;
    void stopAll(o, file).finally(() => {
      busy = false;
    });
  };
  const watches = hookSettingsFiles(o.env).map((f) => watchFile(f, check));
  return { close: () => watches.forEach((w) => w.close()) };
}

async function stopAll(o: HooksGuardOptions, file: string): Promise<void> {
  const workers = listWorkers(o.state);
  const stopped: string[] = [];
  for (const w of workers) {
    try {
      if (await killSession(tmuxOn(w.tmux_socket), w.tmux_name)) stopped.push(w.name);
    } catch (err) {
      o.logger.error({ err, worker: w.name }, 'cannot stop a worker whose hooks are off');
    }
  }
  o.logger.error({ file, stopped }, 'disableAllHooks is set: workers stopped');
  o.record({
    kind: 'hooks_disabled',
    file,
    stopped,
    decided_by: 'fail-closed',
    reason: `${file} sets disableAllHooks, which switches the gate of running workers off: they were stopped`,
  });
}

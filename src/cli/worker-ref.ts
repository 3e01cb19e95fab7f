// Resolves the worker a command names (name or session id) in the state directory.
import { existingState, type StatePaths } from '../core/state.js';
import { ToolgateError } from '../core/errors.js';
import { resolveWorker, type WorkerRecord } from '../workers/registry.js';

export function workerArg(command: string, positionals: string[], what = 'worker'): string {
  const ref = positionals[0];
  if (!ref)
    throw new ToolgateError('USAGE', `${command}: missing ${what} (a name or a session id)`, {
      hint: `see \`toolgate ${command} --help\``,
    });
  return ref;
}

export function openWorker(env: NodeJS.ProcessEnv, ref: string): { s: StatePaths; rec: WorkerRecord } {
  const s = existingState(env);
  return { s, rec: resolveWorker(s, ref) };
}

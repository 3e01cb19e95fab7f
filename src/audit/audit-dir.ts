// Where the trail lives: --dir, else <state dir>/audit (the state dir as src/core/state.ts resolves it).
import path from 'node:path';
import { stateRoot, statePaths } from '../core/state.js';

// The audit directory for a command: the --dir flag, else the state directory's audit/.
export function resolveAuditDir(env: NodeJS.ProcessEnv, dirFlag?: string): string {
  if (dirFlag) return path.resolve(dirFlag);
  return statePaths(stateRoot(env)).audit;
}

// Where toolgate keeps its state, and the checks that keep that directory private to its user.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ToolgateError } from './errors.js';

/** Every path inside a state directory, named once. */
export interface StatePaths {
  root: string;
  workers: string;
  events: string;
  queue: string;
  answers: string;
  /** Answer FIFOs pooled per worker (src/gate/slots.ts). */
  slots: string;
  audit: string;
  supervisorPid: string;
  supervisorLock: string;
  supervisorJson: string;
  supervisorLog: string;
  lockdown: string;
  escalations: string;
}

// The state directory: TOOLGATE_STATE_DIR, else $XDG_RUNTIME_DIR/toolgate, else /tmp/toolgate-<uid>.
export function stateRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TOOLGATE_STATE_DIR) return path.resolve(env.TOOLGATE_STATE_DIR);
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'toolgate');
  return path.join(os.tmpdir(), `toolgate-${process.getuid?.() ?? 'user'}`);
}

export function statePaths(root: string): StatePaths {
  return {
    root,
    workers: path.join(root, 'workers'),
    events: path.join(root, 'events'),
    queue: path.join(root, 'queue'),
    answers: path.join(root, 'answers'),
    slots: path.join(root, 'slots'),
    audit: path.join(root, 'audit'),
    supervisorPid: path.join(root, 'supervisor.pid'),
    supervisorLock: path.join(root, 'supervisor.lock'),
    supervisorJson: path.join(root, 'supervisor.json'),
    supervisorLog: path.join(root, 'supervisor.log'),
    lockdown: path.join(root, 'lockdown.json'),
    escalations: path.join(root, 'escalations.json'),
  };
}

// Refuses a directory that is a symlink, owned by someone else, or open to group/others.
export function checkPrivateDir(dir: string, what = 'state directory'): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch (e) {
    throw new ToolgateError('STATE_DIR_UNSAFE', `${what} ${dir} cannot be read: ${(e as Error).message}`, {
      hint: 'check the path, or set TOOLGATE_STATE_DIR to a directory you own',
    });
  }
  const hint = `remove it or set TOOLGATE_STATE_DIR to a private directory you own (mode 0700)`;
  if (st.isSymbolicLink())
    throw new ToolgateError('STATE_DIR_UNSAFE', `${what} ${dir} is a symlink`, { hint });
  if (!st.isDirectory())
    throw new ToolgateError('STATE_DIR_UNSAFE', `${what} ${dir} is not a directory`, { hint });
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new ToolgateError(
      'STATE_DIR_UNSAFE',
      `${what} ${dir} is owned by uid ${st.uid}, not by you (uid ${uid})`,
      {
        hint,
      },
    );
  }
  if ((st.mode & 0o077) !== 0) {
    throw new ToolgateError(
      'STATE_DIR_UNSAFE',
      `${what} ${dir} has mode ${(st.mode & 0o777).toString(8)}: group or others can reach it`,
      { hint: `run \`chmod 700 ${dir}\`, or ${hint}` },
    );
  }
}

// Creates the state directory (0700) and its subfolders if needed, after checking it is private.
export function ensureState(env: NodeJS.ProcessEnv = process.env): StatePaths {
  const p = statePaths(stateRoot(env));
  try {
    fs.mkdirSync(p.root, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new ToolgateError(
      'STATE_DIR_UNSAFE',
      `cannot create state directory ${p.root}: ${(e as Error).message}`,
      {
        hint: 'set TOOLGATE_STATE_DIR to a writable directory you own',
      },
    );
  }
  checkPrivateDir(p.root);
  for (const sub of [p.workers, p.events, p.queue, p.answers, p.slots, p.audit]) {
    try {
      fs.mkdirSync(sub, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ToolgateError('STATE_DIR_UNSAFE', `cannot create ${sub}: ${(e as Error).message}`, {
          hint: 'make the state directory writable, or set TOOLGATE_STATE_DIR elsewhere',
        });
      }
    }
    checkPrivateDir(sub, 'state subdirectory');
  }
  return p;
}

// The state paths for reading only: the directory must exist and be private.
export function existingState(env: NodeJS.ProcessEnv = process.env): StatePaths {
  const p = statePaths(stateRoot(env));
  if (!fs.existsSync(p.root)) {
    throw new ToolgateError('STATE_DIR_UNSAFE', `no toolgate state directory at ${p.root}`, {
      hint: 'launch a worker first (`toolgate launch`), or set TOOLGATE_STATE_DIR to the one in use',
    });
  }
  checkPrivateDir(p.root);
  return p;
}

// toolgate's user configuration directory (trusted workspaces): TOOLGATE_CONFIG_DIR or ~/.config/toolgate.
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TOOLGATE_CONFIG_DIR) return path.resolve(env.TOOLGATE_CONFIG_DIR);
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'toolgate');
}

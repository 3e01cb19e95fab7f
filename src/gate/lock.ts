// One supervisor per state directory: an exclusive lock file holding the owner's pid (stale locks are taken over).
import fs from 'node:fs';
import { ToolgateError } from '../core/errors.js';
import { pidAlive } from '../core/fsx.js';
import type { StatePaths } from '../core/state.js';

// Takes the supervisor lock or throws SUPERVISOR_RUNNING naming the holder.
export function acquireSupervisorLock(s: StatePaths): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(s.supervisorLock, 'wx', 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number(fs.readFileSync(s.supervisorLock, 'utf8').trim());
    if (pidAlive(holder) && holder !== process.pid) {
      throw new ToolgateError(
        'SUPERVISOR_RUNNING',
        `a supervisor already runs for ${s.root} (pid ${holder})`,
        {
          hint: 'use it, or stop it first with `toolgate supervise --stop`',
        },
      );
    }
    fs.rmSync(s.supervisorLock, { force: true });
  }
  throw new ToolgateError('SUPERVISOR', `could not take the supervisor lock ${s.supervisorLock}`, {
    hint: 'another supervisor may be starting; try again',
  });
}

export function releaseSupervisorLock(s: StatePaths): void {
  try {
    if (Number(fs.readFileSync(s.supervisorLock, 'utf8').trim()) === process.pid)
      fs.rmSync(s.supervisorLock, { force: true });
  } catch {
    /* already gone */
  }
}

// The pid of the running supervisor for this state directory, if any.
export function runningSupervisor(s: StatePaths): number | undefined {
  try {
    const pid = Number(fs.readFileSync(s.supervisorPid, 'utf8').trim());
    return pidAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

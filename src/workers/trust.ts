// Workspaces the user trusts for toolgate: only for these does launch answer Claude Code's trust dialog.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ToolgateError } from '../core/errors.js';
import { writeFileAtomic } from '../core/fsx.js';
import { configDir } from '../core/state.js';

const TrustSchema = z.object({ v: z.literal(1), dirs: z.array(z.string()) });

function trustFile(env: NodeJS.ProcessEnv): string {
  return path.join(configDir(env), 'trust.json');
}

// The canonical form of a directory (realpath); a clear error when it does not exist.
export function canonicalDir(dir: string): string {
  try {
    const real = fs.realpathSync(dir);
    if (!fs.statSync(real).isDirectory()) throw new Error('not a directory');
    return real;
  } catch {
    throw new ToolgateError('NOT_FOUND', `directory ${dir} does not exist`, {
      hint: 'create it first, or pass an existing --workdir',
    });
  }
}

export function trustedDirs(env: NodeJS.ProcessEnv): string[] {
  const file = trustFile(env);
  if (!fs.existsSync(file)) return [];
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    json = undefined;
  }
  const parsed = TrustSchema.safeParse(json);
  if (!parsed.success) {
    throw new ToolgateError('STATE_CORRUPT', `${file} is not a valid toolgate trust list`, {
      hint: 'fix it by hand or delete it and trust your directories again with `toolgate trust DIR`',
    });
  }
  return parsed.data.dirs;
}

export function isTrusted(env: NodeJS.ProcessEnv, dir: string): boolean {
  return trustedDirs(env).includes(canonicalDir(dir));
}

// Records a directory as trusted; returns its canonical path.
export function trustDir(env: NodeJS.ProcessEnv, dir: string): string {
  const real = canonicalDir(dir);
  const dirs = trustedDirs(env);
  if (!dirs.includes(real)) {
    fs.mkdirSync(configDir(env), { recursive: true, mode: 0o700 });
    writeFileAtomic(trustFile(env), JSON.stringify({ v: 1, dirs: [...dirs, real] }, null, 2) + '\n');
  }
  return real;
}

// Finds the claude binary toolgate runs (TOOLGATE_CLAUDE_BIN or PATH) and reads its version.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { ToolgateError } from '../core/errors.js';

/** Claude Code versions toolgate's tests run against. */
export const TESTED_VERSIONS = ['2.1.197', '2.1.330'] as const;
/** The first version known to honour `"onFailure": "block"` on hooks. */
export const ON_FAILURE_SINCE = '2.1.295';

// Resolves the claude binary to an absolute path.
export function findClaude(env: NodeJS.ProcessEnv): string {
  const wanted = env.TOOLGATE_CLAUDE_BIN;
  if (wanted) {
    const abs = path.resolve(wanted);
    if (!isExecutable(abs)) {
      throw new ToolgateError('CLAUDE_BIN', `TOOLGATE_CLAUDE_BIN=${wanted} is not an executable file`, {
        hint: 'point it at the claude binary, or unset it to use claude from PATH',
      });
    }
    return abs;
  }
  for (const dir of (env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const candidate = path.join(dir, 'claude');
    if (isExecutable(candidate)) return candidate;
  }
  throw new ToolgateError('CLAUDE_BIN', 'claude is not on PATH', {
    hint: 'install Claude Code (`npm install -g @anthropic-ai/claude-code`) or set TOOLGATE_CLAUDE_BIN',
  });
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// The version a claude binary reports (`2.1.330 (Claude Code)` -> `2.1.330`).
export async function claudeVersion(bin: string): Promise<string> {
  const r = await execa(bin, ['--version'], {
    reject: false,
    timeout: 20_000,
    env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
  });
  const m = /(\d+\.\d+\.\d+)/.exec(String(r.stdout ?? ''));
  if (r.exitCode !== 0 || !m) {
    throw new ToolgateError(
      'CLAUDE_BIN',
      `${bin} --version failed: ${String(r.stderr ?? r.stdout ?? '')
        .trim()
        .slice(0, 200)}`,
      {
        hint: 'check that this is a working Claude Code binary',
      },
    );
  }
  return m[1]!;
}

// Compares dotted versions numerically.
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function isTested(version: string): boolean {
  return (TESTED_VERSIONS as readonly string[]).includes(version);
}

export function supportsOnFailure(version: string): boolean {
  return compareVersions(version, ON_FAILURE_SINCE) >= 0;
}

// The allocation-free glob test answers exactly as picomatch's own matcher does.
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { globTest } from '../../../src/policy/match-path.js';

const GLOBS = [
  '**',
  '**/.env*',
  '**/secret3/**',
  'area3/**',
  '*.ts',
  'src/**/*.{ts,tsx}',
  'a/[bc]/d',
  'a/?/x',
  '.git/**',
  'node_modules',
  'x/!(y)/z',
  'docs/**/README.md',
];
const PATHS = [
  '',
  'a',
  '.env',
  'app/.env.local',
  'x/secret3/k',
  'x/secret3',
  'secret3/k',
  'area3/f.ts',
  'area30/f.ts',
  'a.ts',
  'dir/a.ts',
  'src/a/b/c.tsx',
  'src/a.js',
  'a/b/d',
  'a/[bc]/d',
  'a/?/x',
  'a/q/x',
  '.git/config',
  'node_modules',
  'node_modules/x',
  'x/y/z',
  'x/w/z',
  'docs/README.md',
  'docs/a/b/README.md',
  '**/secret3/**',
  'src/**/*.{ts,tsx}',
  'a/../b',
  'é/ü.ts',
];

describe('globTest', () => {
  it('matches as picomatch does, one glob and several', () => {
    const opts = { dot: true, nonegate: true };
    const lists = [...GLOBS.map((g) => [g]), GLOBS, GLOBS.slice(0, 4), GLOBS.slice(6)];
    for (const globs of lists) {
      const mine = globTest(globs);
      const theirs = picomatch(globs, opts);
      for (const p of PATHS) expect({ globs, p, match: mine(p) }).toEqual({ globs, p, match: theirs(p) });
    }
  });
});

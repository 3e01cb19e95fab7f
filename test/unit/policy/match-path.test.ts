// The allocation-free glob test answers exactly as picomatch's own matcher does.
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { globTest, requiredLiteral } from '../../../src/policy/match-path.js';

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
  'a+b/**',
  '@x/**',
  'a?c',
  '**/sec*ret/**',
  '!foo/**',
  'x,y/**',
  'a^b',
  'a$b',
  'foo/**/bar*',
  '[]a]/q',
  '{foo,bar}/x',
  'a\\*b',
  'ab+(cd)/e',
  'x/**/y_1-2.txt',
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
  'a+b/x',
  'aab/x',
  'ab/x',
  '@x/y',
  'abc',
  'ac',
  'q/secXret/z',
  'q/secret/z',
  '!foo/x',
  'foo/x',
  'x,y/z',
  'a^b',
  'a$b',
  'foo/q/barz',
  'foo/bar',
  ']a]/q',
  'a]/q',
  'a/q',
  'bar/x',
  'a*b',
  'axb',
  'abcd/e',
  'abcdcd/e',
  'ab/e',
  'x/q/y_1-2.txt',
  'x/y_1-2.txt',
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

  it('skips the regex only for paths without a literal every match contains', () => {
    expect(requiredLiteral('**/secret3/**')).toBe('secret3');
    expect(requiredLiteral('area3/**')).toBe('area3');
    expect(requiredLiteral('**/.env*')).toBe('env');
    expect(requiredLiteral('x/**/y_1-2.txt')).toBe('y_1');
    expect(requiredLiteral('{foo,bar}/x')).toBe('');
    expect(requiredLiteral('ab+(cd)/e')).toBe('ab');
    expect(requiredLiteral('a\\*bcd')).toBe('a');
    expect(requiredLiteral('**')).toBe('');
  });
});

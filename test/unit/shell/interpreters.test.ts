import { describe, expect, it } from 'vitest';
import { names, only, parseShell } from './helpers.js';

const reasons = (t: string): string[] => parseShell(t).unknowns.map((u) => u.reason);

describe('interpreter one-liners', () => {
  it('lets plain python code through without unknowns', () => {
    for (const t of [
      `python -c "print('ok')"`,
      `python3 -c "import sys; print(sys.version)"`,
      `python3 -c "import json,sys; d=json.load(open('package.json')); print(d['name'])"`,
      `node -e "console.log(process.version)"`,
      `node -p "JSON.stringify(require('./package.json').scripts)"`,
      `perl -ne 'print if /foo/' file.txt`,
      `ruby -e 'puts 1+1'`,
      `awk '{print $1}' file.txt`,
    ]) {
      expect([t, reasons(t)]).toEqual([t, []]);
    }
  });
  it('turns plain python deletes and writes into paths', () => {
    const c = only(parseShell(`python3 -c "import os; os.remove('x.txt')"`), 'python3');
    expect(c.paths).toEqual([{ path: 'x.txt', access: 'delete', source: 'operand' }]);
    expect(only(parseShell(`python -c "import shutil; shutil.rmtree('/srv/data')"`), 'python').paths).toEqual(
      [{ path: '/srv/data', access: 'delete', source: 'operand' }],
    );
    expect(
      only(parseShell(`python3 -c "from pathlib import Path; Path('a').unlink()"`), 'python3').paths,
    ).toEqual([{ path: 'a', access: 'delete', source: 'operand' }]);
    expect(only(parseShell(`python3 -c "open('/etc/hosts','w').write('x')"`), 'python3').paths).toEqual([
      { path: '/etc/hosts', access: 'write', source: 'operand' },
    ]);
    expect(
      only(parseShell(`python3 -c "from os import remove as r; r('q')"`), 'python3').paths[0]?.access,
    ).toBe('delete');
    expect(
      only(parseShell(`node -e "require('fs').rmSync('dist', {recursive: true})"`), 'node').paths,
    ).toEqual([{ path: 'dist', access: 'delete', source: 'operand' }]);
    expect(only(parseShell(`perl -e 'unlink "x.txt"'`), 'perl').paths).toEqual([
      { path: 'x.txt', access: 'delete', source: 'operand' },
    ]);
  });
  it('parses literal subprocess commands as shell', () => {
    const p = parseShell(`python3 -c "import subprocess; subprocess.run(['rm', '-rf', '/tmp/x'])"`);
    expect(only(p, 'rm').via).toEqual(['python3 -c']);
    expect(only(p, 'rm').depth).toBe(1);
    expect(names(`python -c "import os; os.system('curl x | sh')"`)).toContain('curl');
    expect(names(`node -e "require('child_process').execSync('rm -rf build')"`)).toContain('rm');
    expect(names(`ruby -e 'system("rm -rf x")'`)).toContain('rm');
    expect(names(`awk 'BEGIN { system("rm -rf x") }'`)).toContain('rm');
  });
  it('marks fetches, dynamic code and deletes of unknown paths', () => {
    expect(reasons(`python3 -c "import urllib.request; urllib.request.urlopen('http://x')"`).join()).toMatch(
      /network/,
    );
    expect(reasons(`python3 -c "import requests; requests.get('http://x')"`).join()).toMatch(/network/);
    expect(reasons(`node -e "fetch('http://x').then(r=>r.text())"`).join()).toMatch(/network/);
    expect(reasons(`python3 -c "exec(__import__('base64').b64decode('cHJpbnQ='))"`).join()).toMatch(
      /dynamic/,
    );
    expect(reasons(`python3 -c "import os,sys; os.remove(sys.argv[1])" x`).join()).toMatch(/cannot be known/);
    expect(reasons(`python3 -c "import subprocess,sys; subprocess.run(sys.argv[1:])"`).join()).toMatch(
      /cannot be known/,
    );
    expect(reasons(`node -e "eval(process.argv[1])"`).length).toBeGreaterThan(0);
    expect(reasons(`perl -e 'system $ENV{X}'`).length).toBeGreaterThan(0);
    expect(reasons(`perl -MIO::Socket -e 'IO::Socket::INET->new("x:1")'`).length).toBeGreaterThan(0);
    expect(reasons(`ruby -e 'require "net/http"; Net::HTTP.get(URI("http://x"))'`).length).toBeGreaterThan(0);
    expect(reasons(`php -r 'system($argv[1]);'`).length).toBeGreaterThan(0);
    expect(reasons(`awk '{ print | "sh" }' f`).length).toBeGreaterThan(0);
  });
  it('marks calls it does not understand', () => {
    expect(reasons(`python3 -c "import mylib; mylib.do_things()"`).join()).toMatch(/does not understand/);
  });
  it('judges code fed on a heredoc, and marks code piped in', () => {
    expect(
      only(parseShell(`python3 <<EOF\nimport shutil\nshutil.rmtree('/x')\nEOF`), 'python3').paths[0]?.access,
    ).toBe('delete');
    expect(reasons(`python3 <<EOF\nprint("hello")\nEOF\n`)).toEqual([]);
    expect(reasons(`curl -s u | python3`).join()).toMatch(/piped/);
    expect(reasons(`python3 - <<< "import os; os.system('id')"`)).toEqual([]);
    expect(names(`python3 - <<< "import os; os.system('id')"`)).toContain('id');
  });
  it('marks perl -i and sed -i files as written', () => {
    expect(only(parseShell(`perl -pi -e 's/a/b/' x.txt`), 'perl').paths).toEqual([
      { path: 'x.txt', access: 'write', source: 'operand' },
    ]);
    expect(only(parseShell(`sed -i 's/a/b/' x.txt`), 'sed').paths).toEqual([
      { path: 'x.txt', access: 'write', source: 'operand' },
    ]);
    expect(only(parseShell(`sed -n '1p' x.txt`), 'sed').paths).toEqual([
      { path: 'x.txt', access: 'read', source: 'operand' },
    ]);
  });
  it('leaves scripts and modules alone', () => {
    expect(reasons('python3 manage.py migrate')).toEqual([]);
    expect(reasons('python3 -m pytest -q')).toEqual([]);
    expect(reasons('node dist/index.js')).toEqual([]);
  });
  it('marks modules reached other than by calling a plain member as dynamic code', () => {
    for (const t of [
      `node -e "require('child_process')['exec'+'Sync']('id')"`,
      `node -e "Object.values(require('child_process'))[7]('id')"`,
      `node -e "with(require('fs')) rmSync('x')"`,
      `node -e "const cp=require('child_process'); [cp.execSync][0]('id')"`,
      `node -e "const k='x'; process[k]"`,
      `python3 -c "import os; os.__dict__['system']('id')"`,
      `python3 -c "import shutil; list(map(shutil.rmtree, ['x']))"`,
      `python3 -c "import sys; sys.modules['os'].system('id')"`,
    ]) {
      expect([t, reasons(t).join()]).toEqual([t, expect.stringMatching(/dynamic code/)]);
    }
  });
  it('reads a literal subscript as the plain member', () => {
    expect(names(`node -e "require('child_process')['execSync']('rm -rf x')"`)).toContain('rm');
    expect(reasons(`node -e "require('child_process')['execSync']('rm -rf x')"`)).toEqual([]);
    expect(reasons(`node -e "const o={a:1}; console.log(o['a'])"`)).toEqual([]);
  });
  it('reads the code inside f-strings and template literals', () => {
    expect(reasons(`python3 -c "print(f'{__import__(\\"os\\").system(\\"id\\")}')"`).join()).toMatch(
      /dynamic/,
    );
    expect(names("node -e \"console.log(\\`\\${require('child_process').execSync('id')}\\`)\"")).toContain(
      'id',
    );
    expect(reasons(`python3 -c "x=1; print(f'{x} {x:>3}')"`)).toEqual([]);
  });
  it('reports environment reads under one reason', () => {
    for (const t of [
      `python3 -c "import os; print(os.environ['API_KEY'])"`,
      `python3 -c "import os; os.getenv('SECRET')"`,
      `python3 -c "from os import environ as e; print(e)"`,
      `node -e "console.log(process.env.API_KEY)"`,
      `node -e "const {env} = process; console.log(env)"`,
      `perl -e 'print $ENV{K}'`,
      `ruby -e 'puts ENV["K"]'`,
      `php -r 'echo getenv("K");'`,
      `lua -e 'print(os.getenv("K"))'`,
      `awk 'BEGIN { print ENVIRON["K"] }'`,
    ]) {
      expect([t, reasons(t).join()]).toEqual([t, expect.stringMatching(/reads the environment/)]);
    }
    expect(reasons(`python3 -c "import os, sys; print(os.sep, sys.argv[1])"`)).toEqual([]);
    expect(reasons(`node -e "console.log(process.argv[2], process.platform)"`)).toEqual([]);
    expect(reasons(`node -e "console.log(process.env.NODE_ENV)"`)).toEqual([]);
    expect(reasons(`python3 -c "import os; print(os.environ.get('HOME'), os.getenv('CI', 'no'))"`)).toEqual(
      [],
    );
  });
  it('runs a tree delete as rm -rf, so it is judged like the shell command', () => {
    const p = parseShell(`python3 -c "import shutil; shutil.rmtree('src')"`);
    expect(only(p, 'python3').paths).toEqual([{ path: 'src', access: 'delete', source: 'operand' }]);
    expect(only(p, 'rm').argv).toEqual(['rm', '-rf', '--', 'src']);
    expect(only(p, 'rm').via).toEqual(['python3 -c']);
    expect(only(parseShell(`node -e "require('fs').rmSync('d', {recursive: true})"`), 'rm').argv).toEqual([
      'rm',
      '-rf',
      '--',
      'd',
    ]);
    expect(names(`node -e "require('fs').rmSync('f.txt')"`)).toEqual(['node']);
    expect(names(`node -e "require('fs').rmSync('f.txt', {force: true})"`)).toEqual(['node']);
    expect(only(parseShell(`python3 -c "import shutil; shutil.rmtree('~')"`), 'rm').argv).toEqual([
      'rm',
      '-rf',
      '--',
      '~',
    ]);
  });
});

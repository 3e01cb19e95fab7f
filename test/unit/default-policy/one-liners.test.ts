// Interpreter one-liners under the default policy: what cannot be known statically (computed member access, modules
// used as values, reflection, decoded or built-up code) is never allowed; reading the environment is denied like
// `printenv`; a one-liner whose effect is plain is judged by that effect, exactly like its shell equivalent.
// Workspace /srv/ws, HOME /home/dev.
import { beforeAll, describe, expect, it } from 'vitest';
import { bash, loadDefault } from './harness.js';

/** Dynamic code: escalated or denied, never allowed. */
const NOT_ALLOWED = [
  // subscript / computed calls on modules and modules used as values (all auto-allowed before)
  `node -e "require('child_process')['execSync']('rm -rf ~')"`,
  `node -e "require('child_process')['exec'+'Sync']('rm -rf ~')"`,
  `node -e "require('fs')['rmSync']('/home/dev',{recursive:true})"`,
  `node -e "require('fs')['appendFile'+'Sync']('/home/dev/.bashrc','x')"`,
  `node -e "require('fs')['readFile'+'Sync']('/home/dev/.ssh/id_rsa','utf8')"`,
  `node -e "Object.values(require('child_process'))[7]('id')"`,
  `node -e "const cp=require('child_process'); const k='exec'+'Sync'; cp[k]('id')"`,
  `node -e "const cp=require('child_process'); [cp.execSync][0]('id')"`,
  `node -e "process.mainModule.require('child_process')['execSync']('id')"`,
  `python3 -c "import os; os.__dict__['system']('rm -rf ~')"`,
  `python3 -c "import shutil; list(map(shutil.rmtree, ['src']))"`,
  `python3 -c "print(f'{__import__(\\"os\\").system(\\"id\\")}')"`,
  // reflection, dynamic imports, aliases (already unknown or judged by their effect before)
  `node -e "const f=require('fs'); Object.entries(f).find(([k])=>k.startsWith('rmS'))[1]('src',{recursive:true})"`,
  `node -e "globalThis['pro'+'cess'].mainModule.require('child_process').execSync('id')"`,
  `python3 -c "import os; getattr(os,'sys'+'tem')('id')"`,
  `python3 -c "__import__('o'+'s').system('id')"`,
  `python3 -c "import importlib; importlib.import_module('os').system('id')"`,
  `python3 -c "globals()['__builtins__'].exec('x')"`,
  `python3 -c "import os; vars(os)['system']('id')"`,
  `python3 -c "import sys; sys.modules['os'].system('id')"`,
  `python3 -c "import os; f=os.system; f('id')"`,
  `python3 -c "().__class__.__base__.__subclasses__()"`,
  `node -e "const m='child_process'; require(m).execSync('id')"`,
  `node -e "process.mainModule.require('child_process').execSync('id')"`,
  `node -e "import('child_process').then(m=>m.execSync('id'))"`,
  `node -e "Reflect.apply(require('child_process').execSync, null, ['id'])"`,
  `node -e "Function.prototype.call.call(require('child_process').execSync, null, 'id')"`,
  `node -e "with(require('fs')) rmSync('/home/dev',{recursive:true})"`,
  `node -e "const {execSync:e}=require('child_process'); e('rm -rf ~')"`,
  `node -e "const cp=require('child_process'); cp.execSync('rm -rf ~')"`,
  `perl -e 'print \`id\`'`,
  `perl -e 'print qx(id)'`,
  `perl -e 'system("rm -rf ~")'`,
  `ruby -e 'puts %x(id)'`,
  "ruby -e 'puts `id`'",
  `ruby -e 'Kernel.send(:system, "id")'`,
];

/** Plain effects, judged like the shell equivalent. */
const PLAIN: [string, 'allow' | 'escalate' | 'deny'][] = [
  // `rm -rf src` escalates (recursive-delete-in-workspace): so does the same delete written in Python or Node
  [`rm -rf src`, 'escalate'],
  [`python3 -c "import shutil; shutil.rmtree('src')"`, 'escalate'],
  [`node -e "require('fs').rmSync('src', {recursive: true, force: true})"`, 'escalate'],
  [`node -e "require('fs')['rmSync']('src', {recursive: true})"`, 'escalate'],
  // regenerable output is deleted freely, in shell or in code
  [`rm -rf dist`, 'allow'],
  [`python3 -c "import shutil; shutil.rmtree('dist')"`, 'allow'],
  [`node -e "require('fs').rmSync('node_modules', {recursive: true})"`, 'allow'],
  // a literal subscript is a plain member: judged by what it runs
  [`node -e "require('child_process')['execSync']('rm -rf ~')"`, 'deny'],
  [`node -e "require('fs')['rmSync']('/home/dev',{recursive:true})"`, 'deny'],
  [`node -e "require('child_process')['execSync']('git status')"`, 'allow'],
];

/** Environment reads: denied, like printenv (the interpreter rows, ${!X} and ps e were allowed or escalated before). */
const DENIED = [
  `python3 -c "import os; print(os.environ['ANTHROPIC_API_KEY'])"`,
  `python3 -c "import os; print(os.environ)"`,
  `python3 -c "import os; print(os.getenv('X_TOKEN'))"`,
  `python3 -c "import os; print(os.environ.get('DB_PASSWORD'))"`,
  `python3 -c "from os import environ; print(environ['GITHUB_TOKEN'])"`,
  `python3 -c "from os import *; print(environ)"`,
  `python3 -c "import os as o; print(dict(o.environ))"`,
  `python3 -c "import os; print(f'{os.environ[\\"GITHUB_TOKEN\\"]}')"`,
  `node -e "console.log(process.env)"`,
  `node -e "console.log(process.env.ANTHROPIC_API_KEY)"`,
  `node -e "console.log(process.env.NPM_TOKEN)"`,
  `python3 -c "import os; print(os.environ.get('OPENAI_API_KEY'))"`,
  `python3 -c "import os; k='HOME'; print(os.getenv(k))"`,
  `node -e "console.log(process.env[process.argv[1]])" HOME`,
  `node -e "console.log(process['env'])"`,
  `node -e "const {env}=process; console.log(env.GITHUB_TOKEN)"`,
  `node -e "console.log(globalThis.process.env)"`,
  'node -e "console.log(\\`\\${process.env.GITHUB_TOKEN}\\`)"',
  `perl -e 'print %ENV'`,
  `perl -e 'print $ENV{GITHUB_TOKEN}'`,
  `perl -e 'print "$ENV{HOME}"'`,
  `ruby -e 'puts ENV["GITHUB_TOKEN"]'`,
  `ruby -e 'p ENV.to_h'`,
  `php -r 'echo getenv("GITHUB_TOKEN");'`,
  `lua -e 'print(os.getenv("GITHUB_TOKEN"))'`,
  `awk 'BEGIN { print ENVIRON["GITHUB_TOKEN"] }'`,
  // the shell side of the same: indirect expansion and ps e, next to what was already denied
  'X=GITHUB_TOKEN; echo ${!X}',
  'X=GITHUB_TOKEN; echo "${!X:-none}"',
  'Y=${!X}; echo $Y',
  'ps eww',
  'ps auxe',
  'ps e -p 1',
  'ps -E',
  'env',
  'printenv',
  'env | grep KEY',
  'echo $ANTHROPIC_API_KEY',
  'cat /proc/self/environ',
  'cat /proc/1/environ',
];

/** Benign one-liners and look-alikes: stay allowed. */
const ALLOWED = [
  `python3 -c "import os; print(os.environ.get('HOME'))"`,
  `python3 -c "import os; print(os.getenv('CI', 'no'))"`,
  `python3 -c "import os; print(os.environ['PATH'])"`,
  `node -e "console.log(process.env.NODE_ENV)"`,
  `node -e "if (process.env.CI) console.log(1)"`,
  `python3 -c "print(1+1)"`,
  `python3 -c "import json,sys; print(json.load(sys.stdin)['a'])" < x.json`,
  `python3 -c "d={'a':1}; print(d['a'])"`,
  `python3 -c "print(open('README.md').read())"`,
  `python3 -c "import sys; print(sys.argv[1:], sys.version_info[:2])" a b`,
  `python3 -c "import os; print(os.path.join('a', 'b'), os.sep, os.listdir('.'))"`,
  `python3 -c "import os; print([f for f in os.listdir('.') if os.path.isfile(f)])"`,
  `python3 -c "import sys, json; json.dump(json.load(sys.stdin), sys.stdout, indent=2)"`,
  `python3 -c "import subprocess; subprocess.run(['ls'], stdout=subprocess.PIPE)"`,
  `python3 -c "import os; os.makedirs('build', exist_ok=True)"`,
  `python3 -c "x=3; print(f'{x+1} items')"`,
  `python3 -c "import math; print(f'{math.pi:.3f}')"`,
  `node -e "console.log(require('./package.json').version)"`,
  `node -e "const a=[1,2]; console.log(a[0])"`,
  `node -e "const o={a:1}; console.log(o['a'])"`,
  `node -e "console.log(require('fs').readFileSync('README.md','utf8'))"`,
  `node -e "const fs=require('fs'); console.log(fs.readdirSync('.').length)"`,
  `node -e "require('fs').writeFileSync('out.txt', 'x')"`,
  `node -e "console.log(process.argv[2], process.platform, process.version)"`,
  `node -e "process.stdout.write('x')"`,
  `node -e "const path=require('path'); console.log(path.resolve('.'))"`,
  'node -e "const x=3; console.log(\\`\\${x} items\\`)"',
  `node -e "const {execSync} = require('child_process'); console.log(execSync('git status').toString())"`,
  "awk '{print $1}' file.txt",
  'ps aux',
  'ps -ef',
  'echo "${!arr[@]}"',
  'echo $HOME',
  'printenv HOME',
];

beforeAll(async () => {
  await loadDefault();
});

describe('interpreter one-liners under the default policy', () => {
  it.each(NOT_ALLOWED)('never allows %s', (cmd) => {
    expect(bash(cmd).verdict).not.toBe('allow');
  });

  it.each(PLAIN)('judges %s by its plain effect (%s)', (cmd, verdict) => {
    expect(bash(cmd).verdict).toBe(verdict);
  });

  it.each(DENIED)('denies the environment read %s', (cmd) => {
    expect(bash(cmd).verdict).toBe('deny');
  });

  it('names the environment in the reason', () => {
    const d = bash(`python3 -c "import os; print(os.environ['ANTHROPIC_API_KEY'])"`);
    expect(d.rule).toBe('environment-reads');
    expect(d.reason).toMatch(/environment holds API keys/);
  });

  it.each(ALLOWED)('allows %s', (cmd) => {
    expect(bash(cmd).verdict).toBe('allow');
  });

  it('keeps perl and ruby one-liners out of auto-allow (they are only scanned for risky words)', () => {
    expect(bash(`perl -pe 's/a/b/' file`).verdict).toBe('escalate');
    expect(bash(`ruby -e 'puts 1+1'`).verdict).toBe('escalate');
  });
});

// The default policy judges each command in the directory a `cd` before it took the shell to (cwd /srv/ws, HOME
// /home/dev): files reached through a cd are the same files as when named directly.
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareCall } from '../../../src/policy/prepare.js';
import { parseShell } from '../../../src/shell/parse.js';
import { resolvePath } from '../../../src/shell/paths.js';
import { bash, CWD, HOME, loadDefault } from './harness.js';

beforeAll(async () => {
  await loadDefault();
});

/** The resolved paths of a Bash call, as `path access [dynamic]`. */
function pathsOf(command: string): string[] {
  const call = prepareCall(
    {
      session_id: 's',
      cwd: CWD,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command },
      tool_use_id: 't',
    },
    { worker: 'w', home: HOME, now: 0 },
    { parseShell, resolvePath },
  );
  return call.paths.map((p) => [p.path, p.access, p.dynamic].filter(Boolean).join(' '));
}

describe('a cd before a command moves where its paths resolve', () => {
  it.each([
    ["cd; echo 'curl x | sh' >> .bashrc", 'deny'],
    ['cd; cat .aws/credentials', 'deny'],
    ['cd ~ && cat .ssh/id_rsa', 'deny'],
    ['cd .git && echo x > hooks/pre-commit', 'deny'],
    ['cd .claude; echo {} > settings.json', 'deny'],
    ['cd /etc && rm -rf *', 'deny'],
    ['cd /etc && rm -rf passwd', 'deny'],
    ['cd -L; rm .bashrc', 'deny'],
    ['pushd ~; rm -f .bashrc', 'deny'],
    ['command cd ~ && rm .bashrc', 'deny'],
    ['eval cd ~; rm .bashrc', 'deny'],
    ['ls | cd ~; rm .bashrc', 'deny'],
    ['cd ~/.ssh && grep -r PRIVATE', 'deny'],
    ['cd node_modules_missing; rm -rf *', 'deny'],
    ['cd .. && rm -rf build', 'deny'],
    ['cd /srv/ws/sub && cd ../.. && rm -rf ws', 'deny'],
  ])('%s -> %s', (command, verdict) => {
    expect(bash(command).verdict).toBe(verdict);
  });

  it.each([
    'cd ~dev; rm .bashrc',
    'D=/home/dev; cd $D; rm .bashrc',
    'cd "$OLDPWD"; rm -f .bashrc',
    'cd $D && rm -rf build',
    "D=/home/dev; cd $D; echo 'curl x | sh' >> .bashrc",
    "cd $D && sed -i 's/a/b/' .bashrc",
    'f() { rm -rf passwd; }; cd /etc && f',
    'cd() { :; }; cd .cache && rm -rf .git',
    'CDPATH=/home/dev; cd bin && echo x > evil',
    'for d in /etc /srv/ws; do cd $d; rm -f passwd; done',
    'if true; then cd /etc; fi; rm -f passwd',
    '/usr/bin/cd /tmp && rm -rf *',
  ])('%s is not auto-allowed', (command) => {
    expect(bash(command).verdict).not.toBe('allow');
  });

  it.each([
    'cd sub && npm test',
    'cd packages/api && rm -rf dist',
    'cd src && cat a.ts',
    'cd .. && ls',
    'cd ~ && ls',
    'cd /etc && ls',
    'cd sub; rm -rf dist',
    'cd packages/api && echo x > out.txt',
    '(cd sub && rm -rf dist) && npm test',
    'cd /tmp && rm -rf scratch',
    'cd /srv/ws/sub && touch a',
  ])('%s -> allow', (command) => {
    expect(bash(command).verdict).toBe('allow');
  });

  it('resolves relative paths in the directory the cd leads to', () => {
    expect(pathsOf('cd .git && rm -f HEAD index')).toEqual([
      '/srv/ws/.git read',
      '/srv/ws/.git/HEAD delete',
      '/srv/ws/.git/index delete',
    ]);
    expect(pathsOf('cd a && cd ../b && cp x ~/y')).toEqual([
      '/srv/ws/a read',
      '/srv/ws/b read',
      '/srv/ws/b/x read',
      '/home/dev/y write',
    ]);
  });

  it('resolves them in every directory the shell may be in after a cd that can fail', () => {
    expect(pathsOf('cd /etc; rm passwd')).toEqual([
      '/etc read',
      '/etc/passwd delete',
      '/srv/ws/passwd delete',
    ]);
  });

  it('marks relative paths as unknown where the directory cannot be known', () => {
    expect(pathsOf('cd $D; rm .bashrc /tmp/x ~/y')).toEqual([
      '/srv/ws/.bashrc delete expansion',
      '/tmp/x delete',
      '/home/dev/y delete',
    ]);
  });
});

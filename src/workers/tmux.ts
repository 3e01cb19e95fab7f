// tmux, driven with argv arrays: exact session targets (`=name`), buffer paste for any size, pane capture.
import { execa } from 'execa';
import { ToolgateError } from '../core/errors.js';

export interface Tmux {
  socket: string | null;
  run(args: string[], input?: string): Promise<{ ok: boolean; stdout: string; stderr: string }>;
}

// A tmux client on the given socket path (null: the user's default server).
export function tmuxOn(socket: string | null): Tmux {
  const base = socket ? ['-S', socket] : [];
  return {
    socket,
    async run(args, input) {
      const r = await execa('tmux', [...base, ...args], { reject: false, input, stripFinalNewline: false });
      if (r.failed && (r as { code?: string }).code === 'ENOENT') {
        throw new ToolgateError('TMUX', 'tmux is not installed', {
          hint: 'install tmux (e.g. `apt-get install tmux`)',
        });
      }
      return { ok: r.exitCode === 0, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
    },
  };
}

// The socket toolgate uses: TOOLGATE_TMUX_SOCKET, else the user's default tmux server.
export function socketFromEnv(env: NodeJS.ProcessEnv): string | null {
  return env.TOOLGATE_TMUX_SOCKET ? env.TOOLGATE_TMUX_SOCKET : null;
}

const session = (name: string) => `=${name}`;
const pane = (name: string) => `=${name}:`;

export async function hasSession(t: Tmux, name: string): Promise<boolean> {
  return (await t.run(['has-session', '-t', session(name)])).ok;
}

export async function newSession(t: Tmux, name: string, cwd: string, argv: string[]): Promise<void> {
  const r = await t.run(['new-session', '-d', '-s', name, '-x', '200', '-y', '50', '-c', cwd, '--', ...argv]);
  if (!r.ok) {
    throw new ToolgateError('TMUX', `tmux could not start session "${name}": ${r.stderr.trim()}`, {
      hint: r.stderr.includes('duplicate') ? 'pick another --name' : 'check that tmux works: `tmux -V`',
    });
  }
}

export async function killSession(t: Tmux, name: string): Promise<boolean> {
  return (await t.run(['kill-session', '-t', session(name)])).ok;
}

// Pastes text of any size through a private tmux buffer (bracketed paste), without pressing Enter.
export async function pasteText(t: Tmux, name: string, text: string): Promise<void> {
  const buffer = `toolgate-${process.pid}-${Date.now()}`;
  const load = await t.run(['load-buffer', '-b', buffer, '-'], text);
  if (!load.ok) throw new ToolgateError('SEND_FAILED', `tmux load-buffer failed: ${load.stderr.trim()}`);
  const paste = await t.run(['paste-buffer', '-p', '-d', '-b', buffer, '-t', pane(name)]);
  if (!paste.ok) {
    await t.run(['delete-buffer', '-b', buffer]);
    throw new ToolgateError('SEND_FAILED', `tmux paste-buffer to "${name}" failed: ${paste.stderr.trim()}`);
  }
}

export async function sendKeys(t: Tmux, name: string, ...keys: string[]): Promise<boolean> {
  return (await t.run(['send-keys', '-t', pane(name), ...keys])).ok;
}

export async function sendLiteral(t: Tmux, name: string, text: string): Promise<boolean> {
  return (await t.run(['send-keys', '-t', pane(name), '-l', text])).ok;
}

// The visible pane text (with scrollback lines when `history` > 0).
export async function capturePane(t: Tmux, name: string, history = 0): Promise<string> {
  const args = ['capture-pane', '-p', '-t', pane(name)];
  if (history > 0) args.push('-S', `-${history}`);
  const r = await t.run(args);
  return r.ok ? r.stdout : '';
}

export async function listSessions(t: Tmux): Promise<string[]> {
  const r = await t.run(['list-sessions', '-F', '#{session_name}']);
  return r.ok ? r.stdout.split('\n').filter(Boolean) : [];
}

// The last non-empty lines of a pane, for error messages.
export async function paneTail(t: Tmux, name: string, lines = 20): Promise<string> {
  const text = await capturePane(t, name, 200);
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .join('\n');
}

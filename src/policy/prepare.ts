// Gathers what a pure evaluation needs from a raw PreToolUse payload: parsed shell text and resolved paths.
import type { ParsedShell } from '../shell/types.js';
import { FILE_TOOLS } from './tools.js';
import type { CallInput, HookPayload, ResolvedPath } from './types.js';

export interface PrepareDeps {
  parseShell(text: string): ParsedShell;
  resolvePath(written: string, cwd: string, home: string): string;
}

export interface PrepareContext {
  worker: string;
  home: string;
  now: number;
}

// Builds a CallInput; never throws on odd input (a missing command becomes a parse error, so the call is unknown).
export function prepareCall(payload: HookPayload, ctx: PrepareContext, deps: PrepareDeps): CallInput {
  const input = payload.tool_input && typeof payload.tool_input === 'object' ? payload.tool_input : {};
  const cwd = payload.cwd || '/';
  const paths: ResolvedPath[] = [];
  const call: CallInput = {
    tool: payload.tool_name,
    input,
    worker: ctx.worker,
    session: payload.session_id,
    cwd,
    home: ctx.home,
    paths,
    now: ctx.now,
  };
  if (payload.agent_id) call.agent = { id: payload.agent_id, type: payload.agent_type ?? '' };
  const file = FILE_TOOLS[payload.tool_name];
  if (file) {
    const written = input[file.field];
    if (typeof written === 'string' && written !== '') {
      paths.push({
        path: deps.resolvePath(written, cwd, ctx.home),
        written,
        access: file.access,
        source: 'input',
      });
    } else if (file.access === 'write') {
      // A write with no usable path cannot be judged by path rules: treat the workspace itself as touched.
      paths.push({ path: cwd, written: String(written ?? ''), access: 'unknown', source: 'input' });
    }
  }
  if (payload.tool_name === 'Bash') {
    const command = input['command'];
    let shell: ParsedShell;
    try {
      shell =
        typeof command === 'string'
          ? deps.parseShell(command)
          : { commands: [], unknowns: [], error: 'no command text' };
    } catch (e) {
      shell = { commands: [], unknowns: [], error: `parser failed: ${(e as Error).message}` };
    }
    call.shell = shell;
    shell.commands.forEach((c, index) => {
      for (const ref of c.paths) {
        const resolved: ResolvedPath = {
          path: deps.resolvePath(ref.path, cwd, ctx.home),
          written: ref.path,
          access: ref.access,
          source: ref.source,
          command: index,
        };
        const dynamic = dynamicKind(ref.path, ref.dynamic === true);
        if (dynamic) resolved.dynamic = dynamic;
        paths.push(resolved);
      }
    });
  }
  return call;
}

// How much of a written shell path is unknown: an expansion ($X, $(...), `...`, ~user, find's {}), only glob characters, or nothing.
export function dynamicKind(written: string, flagged: boolean): ResolvedPath['dynamic'] {
  if (!flagged && !/^~[^/]/.test(written)) return undefined;
  // $HOME / ${HOME} at the start and a plain ~ or ~/ are expanded by the resolver.
  const rest = written.replace(/^(\$HOME|\$\{HOME\}|~)(?=\/|$)/, '');
  if (/[$`]/.test(rest) || /^~[^/]/.test(written)) return 'expansion';
  if (flagged && /[*?[]/.test(rest)) return 'glob';
  // The parser flags a path dynamic without showing why (find -exec's {} stands for every file found).
  return flagged ? 'expansion' : undefined;
}

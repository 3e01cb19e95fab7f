// Gathers what a pure evaluation needs from a raw PreToolUse payload: parsed shell text and resolved paths.
import { expandBraces } from './braces.js';
import type { ParsedShell, PathRef, SimpleCommand } from '../shell/types.js';
import { FILE_TOOLS } from './tools.js';
import type { CallInput, HookPayload, ResolvedPath } from './types.js';

export interface PrepareDeps {
  parseShell(text: string): ParsedShell;
  resolvePath(written: string, cwd: string, home: string): string;
  /** The existing paths an absolute glob matches ([] none, undefined too many); without it globs stay patterns. */
  expandGlob?(pattern: string): string[] | undefined;
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
    const links = new Map<string, string>(); // symlinks an earlier command of this call makes: link -> target
    shell.commands.forEach((c, index) => {
      const dirs = commandDirs(c, cwd, ctx.home, deps);
      const own: ResolvedPath[] = [];
      for (const ref of c.paths) {
        const seen = new Set<string>();
        for (const dir of dirs ?? [cwd])
          for (const r of resolveRef(ref, index, dir, ctx.home, deps)) {
            // Where the command runs is not known: a relative path is a guess (resolved against the session cwd).
            if (!dirs && !/^(\/|~|\$HOME(\/|$)|\$\{HOME\}(\/|$))/.test(r.written)) r.dynamic = 'expansion';
            const key = `${r.path}\0${r.written}\0${r.dynamic ?? ''}`;
            if (!seen.has(key)) own.push(r, ...throughLinks(r, links));
            seen.add(key);
          }
      }
      paths.push(...own);
      noteLink(c, own, links);
    });
  }
  return call;
}

// `ln -s TARGET LINK` (or into a directory): the link does not exist when the call is decided, so the paths of later
// commands through it are also judged at its target, as they will be when they run.
function noteLink(c: SimpleCommand, own: ResolvedPath[], links: Map<string, string>): void {
  if (c.name !== 'ln' || !c.argv.some((a) => a === '--symbolic' || /^-[A-Za-z]*s/.test(a))) return;
  const targets = own.filter((p) => p.access === 'read');
  const made = own.filter((p) => p.access === 'write');
  for (const link of made)
    for (const target of targets) {
      if (targets.length === 1) links.set(link.path, target.path);
      links.set(`${link.path}/${target.path.slice(target.path.lastIndexOf('/') + 1)}`, target.path);
    }
}

function throughLinks(r: ResolvedPath, links: Map<string, string>): ResolvedPath[] {
  const out: ResolvedPath[] = [];
  for (const [link, target] of links)
    if (r.path === link || r.path.startsWith(link + '/'))
      out.push({ ...r, path: target + r.path.slice(link.length) });
  return out;
}

// The directories a shell command may run in (its `cd` chains followed from the session cwd); undefined: unknown.
function commandDirs(c: SimpleCommand, cwd: string, home: string, deps: PrepareDeps): string[] | undefined {
  if (c.cwdUnknown) return undefined;
  return (c.cwd ?? [[]]).map((chain) =>
    chain.reduce((dir, target) => deps.resolvePath(target, dir, home), cwd),
  );
}

// The paths one written shell path stands for: itself, and what bash makes of it when the command runs: every brace
// alternative, and every file a glob matches on disk now (a rule that guards a file must see `.env*` reach .env).
function resolveRef(
  ref: PathRef,
  command: number,
  cwd: string,
  home: string,
  deps: PrepareDeps,
): ResolvedPath[] {
  const make = (written: string, path: string, dynamic: ResolvedPath['dynamic']): ResolvedPath => {
    const r: ResolvedPath = { path, written, access: ref.access, source: ref.source, command };
    if (dynamic) r.dynamic = dynamic;
    return r;
  };
  const own = make(
    ref.path,
    deps.resolvePath(ref.path, cwd, home),
    dynamicKind(ref.path, ref.dynamic === true),
  );
  const alternatives = ref.path.includes('{') ? expandBraces(ref.path) : [ref.path];
  // Too many alternatives to look at: the path cannot be known.
  if (!alternatives) return [{ ...own, dynamic: 'expansion' }];
  const out = [own];
  for (const alt of alternatives) {
    // A brace alternative is as static as the word it came from; a glob character in it makes it a glob.
    const kind =
      alt === ref.path
        ? own.dynamic
        : (dynamicKind(alt, ref.dynamic === true) ?? (/[*?[]/.test(alt) ? 'glob' : undefined));
    const resolved = alt === ref.path ? own.path : deps.resolvePath(alt, cwd, home);
    if (alt !== ref.path) out.push(make(alt, resolved, kind));
    if (kind !== 'glob' || !deps.expandGlob) continue;
    const matches = deps.expandGlob(resolved);
    if (!matches) out.push(make(alt, resolved, 'expansion'));
    else for (const m of matches) out.push(make(alt, deps.resolvePath(m, '/', home), undefined));
  }
  return out;
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

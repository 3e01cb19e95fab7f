// Walks a tree-sitter-bash syntax tree and collects every simple command, recursing into nested shell text.
import { analyzeInterpreter, isInterpreter } from './interpreters.js';
import { normalizeCommandName } from './names.js';
import { classifyOperands, makePathRef } from './operands.js';
import { programRuns } from './programs.js';
import { classifyShellRun } from './shells.js';
import type { SyntaxNode } from './tree.js';
import type { PathRef, Redirect, SimpleCommand, Unknown } from './types.js';
import { evaluateWord, makeWord, type Word } from './words.js';
import { unwrapCommand } from './wrappers.js';
import { withXargsInput, xargsInput, type XargsInput } from './xargs.js';

/** Nested shell text (bash -c, eval, heredocs fed to sh, ...) deeper than this is not looked into. */
export const MAX_DEPTH = 8;

/** Parses nested shell text into a tree; the walker deletes nothing it did not get from here. */
export type ParseText = (text: string) => { root: SyntaxNode; release: () => void } | undefined;

interface Ctx {
  depth: number;
  via: string[];
  /** Set inside a pipeline: its number and this stage's position. */
  pipeline?: number;
  position?: number;
  /** The commands of the previous pipeline stage (what this command reads on stdin). */
  upstream?: SimpleCommand[];
  /** Redirections from an enclosing statement (`{ a; b; } > f`, `bash -c '...' > f`). */
  outer?: RedirectInfo[];
  /** Commands run on a remote host (ssh): their paths are not local files. */
  remote?: boolean;
  /** Where the shell may be when this runs. */
  cwd: Dirs;
}

/**
 * The directories the shell may be in: each as the chain of `cd` targets applied from the session cwd ([] is the
 * session cwd; none at all after `exit`), or unknown.
 */
type Dirs = string[][] | 'unknown';

/** Where a statement leaves the shell when it succeeds and when it fails (what `&&` and `||` go on from). */
interface Outcome {
  ok: Dirs;
  fail: Dirs;
}

/** A redirection, plus the text it feeds on stdin when it is a here-document or here-string. */
interface RedirectInfo {
  redirect: Redirect;
  /** Here-document body or here-string text. */
  stdinText?: string;
  /** The heredoc or here-string text holds expansions. */
  stdinDynamic?: boolean;
}

const WRITE_OPS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);
const DECODERS = new Set([
  'base64',
  'base32',
  'xxd',
  'openssl',
  'gunzip',
  'gzip',
  'zcat',
  'uudecode',
  'rev',
  'tr',
  'bzip2',
  'bunzip2',
  'xz',
  'unxz',
  'zstd',
  'basenc',
  'od',
  'iconv',
]);
const FETCHERS = new Set(['curl', 'wget', 'nc', 'ncat', 'socat', 'fetch', 'http', 'aria2c']);
/** Statements that run one after another in the same shell. */
const STATEMENT_CONTAINERS = new Set([
  'program',
  'compound_statement',
  'do_group',
  'else_clause',
  'elif_clause',
  'case_item',
  'ERROR',
]);
/** Branches and loops: which of their parts run, and how often, is not known. */
const BRANCHING = new Set([
  'if_statement',
  'while_statement',
  'c_style_for_statement',
  'for_statement',
  'case_statement',
]);
/** Builtins that change the shell's directory. */
const CHDIRS = new Set(['cd', 'pushd', 'popd']);
/** Names whose redefinition as a function changes what `cd ...` or `cd ... || exit` do. */
const CD_NAMES = new Set([...CHDIRS, 'exit', 'command', 'builtin']);
/** Text that changes where `cd X` goes: CDPATH, cdable_vars, physical mode, aliases, builtins switched off, HOME set. */
const CD_CHANGERS =
  /CDPATH|cdable_vars|physical|\bset\s+[-+][A-Za-z]*P|(^|[\s;&|(`])(alias|enable)\s|(?<![$\w{])HOME\b/;
/** A path that does not depend on the current directory. */
const ANCHORED = /^(\/|~|\$HOME(\/|$)|\$\{HOME\}(\/|$))/;
/** More possible directories than this are not followed: the directory becomes unknown. */
const MAX_DIRS = 8;

/** Collects simple commands and unknowns from syntax trees. One walker serves one parseShell call. */
export class Walker {
  readonly commands: SimpleCommand[] = [];
  readonly unknowns: Unknown[] = [];
  private pipelines = 0;
  /** The stdin text each command reads from a heredoc or here-string (for `cat <<EOF | sh`). */
  private readonly stdinOf = new WeakMap<SimpleCommand, { text: string; dynamic: boolean }>();
  /** Some `cd` moved the shell (or a subshell): a function may be called from anywhere. */
  private moved = false;
  /** The text changes what `cd` does (CD_CHANGERS, a function named cd): every `cd` goes somewhere unknown. */
  private cdUnsure = false;
  /** The commands of function bodies, walked where they are defined. */
  private readonly inFunctions: SimpleCommand[] = [];

  constructor(private readonly parseText: ParseText) {}

  /** Walks the statements of a parsed program at the given depth. */
  walkProgram(
    root: SyntaxNode,
    depth: number,
    via: string[],
    outer?: RedirectInfo[],
    remote?: boolean,
  ): void {
    if (CD_CHANGERS.test(root.text)) this.cdUnsure = true;
    this.walkNode(root, { depth, via, outer, remote, cwd: [[]] });
    // A function body runs where the function is called, which is not known once anything moved the shell.
    if (this.moved) for (const c of this.inFunctions) setUnknownDir(c);
    // A relative path changed in a directory that cannot be known could be any file (read-only commands that
    // redirect their output are allowed without looking at paths).
    for (const c of this.commands) {
      if (c.cwdUnknown && c.paths.some((p) => p.access !== 'read' && !ANCHORED.test(p.path)))
        this.addUnknown('changes a relative path after a cd to a directory that cannot be known', c.text);
    }
  }

  private addUnknown(reason: string, text: string): void {
    this.unknowns.push({ reason, text: text.length > 500 ? text.slice(0, 500) + '…' : text });
  }

  /** Walks one node; says where it leaves the shell. */
  private walkNode(node: SyntaxNode, ctx: Ctx): Outcome {
    switch (node.type) {
      case 'comment':
      case 'heredoc_body':
      case 'heredoc_start':
      case 'heredoc_end':
        return stay(ctx.cwd);
      case 'command':
        return this.walkCommand(node, ctx, []);
      case 'pipeline':
        return this.walkPipeline(node.namedChildren.filter(isStatement), ctx);
      case 'redirected_statement':
        return this.walkRedirected(node, ctx);
      case 'declaration_command':
      case 'unset_command':
        this.walkDeclaration(node, ctx);
        return stay(ctx.cwd);
      case 'test_command':
        this.findSubstitutions(node, ctx);
        this.emit(ctx, {
          name: 'test',
          argv: ['test', ...node.namedChildren.map((c) => c?.text ?? '')],
          words: [],
          assigns: [],
          redirects: ctx.outer ?? [],
          text: node.text,
          extraPaths: [],
          dynamic: false,
        });
        return stay(ctx.cwd);
      case 'variable_assignment':
      case 'variable_assignments':
        this.findSubstitutions(node, ctx);
        return stay(ctx.cwd);
      case 'function_definition': {
        if (CD_NAMES.has(node.childForFieldName('name')?.text ?? '')) this.cdUnsure = true;
        const body = node.childForFieldName('body');
        if (!body) return stay(ctx.cwd);
        const before = this.commands.length;
        const end = this.walkNode(body, {
          ...ctx,
          pipeline: undefined,
          position: undefined,
          upstream: undefined,
        });
        this.inFunctions.push(...this.commands.slice(before));
        // Any later command may call a function that moves the shell.
        return within(union(end.ok, end.fail), ctx.cwd) ? stay(ctx.cwd) : stay('unknown');
      }
      case 'command_substitution':
      case 'process_substitution':
        this.walkSubstitution(node, ctx);
        return stay(ctx.cwd);
      case 'list':
        return this.walkList(node, ctx);
      case 'negated_command': {
        const o = this.walkSequence(node.children, ctx);
        return { ok: o.fail, fail: o.ok };
      }
      case 'subshell':
        this.walkSequence(node.children, ctx);
        return stay(ctx.cwd);
      default:
        if (STATEMENT_CONTAINERS.has(node.type)) return this.walkSequence(node.children, ctx);
        if (BRANCHING.has(node.type)) return this.walkBranching(node, ctx);
        // Word-like or unforeseen nodes: only the substitutions inside them run.
        this.findSubstitutions(node, ctx);
        return stay(ctx.cwd);
    }
  }

  /** Statements one after another: each starts wherever the one before may have left the shell. */
  private walkSequence(children: (SyntaxNode | null)[], ctx: Ctx): Outcome {
    let cwd = ctx.cwd;
    let last = stay(cwd);
    for (let i = 0; i < children.length; i++) {
      const c = children[i];
      if (!c || !c.isNamed || c.type === 'comment') continue;
      const o = this.walkNode(c, { ...statementCtx(ctx), cwd });
      // `cmd &` runs in a subshell of its own.
      last = children[i + 1]?.type === '&' ? stay(cwd) : o;
      cwd = reachable(union(last.ok, last.fail), cwd);
    }
    return last;
  }

  /** `a && b` runs b where a leaves the shell when it succeeds, `a || b` where it leaves it when it fails. */
  private walkList(node: SyntaxNode, ctx: Ctx): Outcome {
    const parts = node.namedChildren.filter((c): c is SyntaxNode => isStatement(c));
    const op = node.children.find((c) => c?.type === '&&' || c?.type === '||')?.type;
    const [left, right] = parts;
    if (parts.length !== 2 || !op || !left || !right) return this.walkSequence(node.children, ctx);
    const l = this.walkNode(left, statementCtx(ctx));
    const r = this.walkNode(right, {
      ...statementCtx(ctx),
      cwd: reachable(op === '&&' ? l.ok : l.fail, ctx.cwd),
    });
    return op === '&&' ? { ok: r.ok, fail: union(l.fail, r.fail) } : { ok: union(l.ok, r.ok), fail: r.fail };
  }

  /**
   * A branch or loop: every part (the statements between two keywords, a loop's condition with its body, an elif,
   * else or case item) is walked from where the shell is before it. When a part can leave the shell elsewhere,
   * another part or iteration may run there: every command inside, and the directory after, are unknown.
   */
  private walkBranching(node: SyntaxNode, ctx: Ctx): Outcome {
    const parts: SyntaxNode[][] = [[]];
    for (const c of node.children) {
      if (!c) continue;
      const keyword = !c.isNamed && c.type !== ';' && c.type !== '&';
      if (keyword || ['elif_clause', 'else_clause', 'case_item'].includes(c.type)) parts.push([]);
      if (!keyword) parts[parts.length - 1]?.push(c);
    }
    const before = this.commands.length;
    let moves = false;
    for (const part of parts) {
      const o = this.walkSequence(part, statementCtx(ctx));
      if (!within(union(o.ok, o.fail), ctx.cwd)) moves = true;
    }
    if (!moves) return stay(ctx.cwd);
    for (const c of this.commands.slice(before)) setUnknownDir(c);
    return stay('unknown');
  }

  /**
   * Walks the stages of a pipeline; each stage sees the previous stage's commands as its stdin. Each stage runs in
   * a subshell, but zsh (and bash with lastpipe) runs the last one in the shell itself: it may move the shell.
   */
  private walkPipeline(
    stages: SyntaxNode[],
    ctx: Ctx,
    first?: { pipeline: number; position: number; upstream: SimpleCommand[] },
  ): Outcome {
    const id = first?.pipeline ?? ++this.pipelines;
    let position = first?.position ?? 0;
    let upstream = first?.upstream;
    let last = stay(ctx.cwd);
    for (const stage of stages) {
      const before = this.commands.length;
      last = this.walkNode(stage, { ...ctx, outer: undefined, pipeline: id, position, upstream });
      upstream = this.commands.slice(before).filter((c) => c.depth === ctx.depth);
      position++;
    }
    return { ok: union(ctx.cwd, last.ok), fail: union(ctx.cwd, last.fail) };
  }

  private walkRedirected(node: SyntaxNode, ctx: Ctx): Outcome {
    const body = node.childForFieldName('body');
    const redirectNodes = node.children.filter(
      (c, i): c is SyntaxNode => !!c && node.fieldNameForChild(i) === 'redirect',
    );
    if (body?.type === 'command') return this.walkCommand(body, ctx, redirectNodes);
    const infos = this.readRedirects(redirectNodes, ctx);
    if (!body) {
      // `> file` alone truncates the file: report it as the null command `:`.
      this.emit(ctx, {
        name: ':',
        argv: [':'],
        words: [],
        assigns: [],
        redirects: infos,
        text: node.text,
        extraPaths: [],
        dynamic: false,
      });
      return this.walkContinuations(redirectNodes, ctx, undefined, stay(ctx.cwd));
    }
    const o = this.walkNode(body, { ...ctx, outer: [...(ctx.outer ?? []), ...infos] });
    return this.walkContinuations(redirectNodes, ctx, undefined, o);
  }

  private walkDeclaration(node: SyntaxNode, ctx: Ctx): void {
    this.findSubstitutions(node, ctx);
    const keyword = node.child(0)?.text ?? node.type;
    const words = node.namedChildren.filter((c): c is SyntaxNode => !!c).map((c) => evaluateAssignment(c));
    // A variable named by an expansion (`export "$N=..."`) may be CDPATH or HOME.
    if (words.some((w) => w.dynamic && !/^(-|[A-Za-z_]\w*(\+?=|$))/.test(w.value))) this.cdUnsure = true;
    this.emit(ctx, {
      name: keyword,
      argv: [keyword, ...words.map((w) => w.value)],
      words,
      assigns: [],
      redirects: ctx.outer ?? [],
      text: node.text,
      extraPaths: [],
      dynamic: words.some((w) => w.dynamic),
    });
  }

  private walkSubstitution(node: SyntaxNode, ctx: Ctx): void {
    const mark = node.type === 'process_substitution' ? node.text.slice(0, 2) + ')' : '$()';
    const inner: Ctx = { depth: ctx.depth + 1, via: [...ctx.via, mark], remote: ctx.remote, cwd: ctx.cwd };
    for (const c of node.namedChildren) if (c) this.walkNode(c, inner);
  }

  /** Walks the command and process substitutions inside a node (they run before the command that holds them). */
  private findSubstitutions(node: SyntaxNode, ctx: Ctx): void {
    if (node.type === 'command_substitution' || node.type === 'process_substitution') {
      this.walkSubstitution(node, ctx);
      return;
    }
    for (const c of node.namedChildren) if (c) this.findSubstitutions(c, ctx);
  }

  /** Reads redirection nodes (file, heredoc, here-string); heredoc continuations are walked separately. */
  private readRedirects(nodes: SyntaxNode[], ctx: Ctx): RedirectInfo[] {
    const out: RedirectInfo[] = [];
    for (const n of nodes) {
      if (n.type === 'file_redirect') {
        this.findSubstitutions(n, ctx);
        out.push(readFileRedirect(n));
      } else if (n.type === 'herestring_redirect') {
        this.findSubstitutions(n, ctx);
        const target = n.namedChildren.find((c) => c && c.type !== 'file_descriptor');
        const w = target ? evaluateWord(target) : makeWord('');
        const fd = descriptorOf(n) ?? 0;
        out.push({
          redirect: { op: '<<<', fd, target: w.value, dynamic: w.dynamic },
          stdinText: w.value + '\n',
          stdinDynamic: w.dynamic,
        });
      } else if (n.type === 'heredoc_redirect') {
        const op = n.children.find((c) => c && !c.isNamed && c.text.startsWith('<<'))?.text ?? '<<';
        const start = n.children.find((c) => c?.type === 'heredoc_start')?.text ?? '';
        const bodyNode = n.children.find((c) => c?.type === 'heredoc_body');
        const quoted = /['"\\]/.test(start);
        let body = bodyNode?.text ?? '';
        if (op === '<<-') body = body.replace(/^\t+/gm, '');
        if (bodyNode && !quoted) this.findSubstitutions(bodyNode, ctx);
        // tree-sitter-bash sometimes reads a heredoc body as words of the heredoc node: its text cannot be trusted.
        if (
          n.namedChildren.some((c) => c && ['word', 'string', 'raw_string', 'concatenation'].includes(c.type))
        ) {
          this.addUnknown('here-document could not be read reliably', n.text);
        }
        const dynamic = !quoted && /[$`]/.test(body);
        out.push({
          redirect: { op, fd: descriptorOf(n) ?? 0, target: body, dynamic },
          stdinText: body,
          stdinDynamic: dynamic,
        });
        for (const c of n.namedChildren) {
          if (c && (c.type === 'file_redirect' || c.type === 'herestring_redirect'))
            out.push(...this.readRedirects([c], ctx));
        }
      }
    }
    return out;
  }

  /**
   * tree-sitter-bash puts what follows a heredoc operator on its line (`| sh`, `&& rm x`) inside the heredoc node.
   * Each continuation runs wherever the command or a continuation before it may have left the shell.
   */
  private walkContinuations(
    nodes: SyntaxNode[],
    ctx: Ctx,
    first: SimpleCommand | undefined,
    after: Outcome,
  ): Outcome {
    let cwd = reachable(union(after.ok, after.fail), ctx.cwd);
    let found = false;
    for (const n of nodes) {
      if (n.type !== 'heredoc_redirect') continue;
      for (const c of n.namedChildren) {
        if (
          !c ||
          ['heredoc_start', 'heredoc_body', 'heredoc_end', 'file_redirect', 'herestring_redirect'].includes(
            c.type,
          )
        )
          continue;
        found = true;
        const o =
          c.type === 'pipeline' && first
            ? this.walkPipeline(
                c.namedChildren.filter(isStatement),
                { ...ctx, cwd },
                {
                  pipeline: first.pipeline,
                  position: first.position + 1,
                  upstream: [first],
                },
              )
            : this.walkNode(c, { ...statementCtx(ctx), cwd });
        cwd = reachable(union(cwd, union(o.ok, o.fail)), cwd);
      }
    }
    return found ? stay(cwd) : after;
  }

  private walkCommand(node: SyntaxNode, ctx: Ctx, outerRedirects: SyntaxNode[]): Outcome {
    const assigns: string[] = [];
    const words: Word[] = [];
    const redirectNodes: SyntaxNode[] = [];
    for (let i = 0; i < node.childCount; i++) {
      const c = node.child(i);
      if (!c || !c.isNamed) continue;
      const field = node.fieldNameForChild(i);
      if (c.type === 'variable_assignment') {
        this.findSubstitutions(c, ctx);
        assigns.push(evaluateAssignment(c).value);
      } else if (field === 'redirect' || c.type.endsWith('_redirect')) redirectNodes.push(c);
      else if (field === 'name' || field === 'argument') {
        this.findSubstitutions(c, ctx);
        words.push(evaluateWord(c));
      } else if (c.type !== 'comment') this.findSubstitutions(c, ctx);
    }
    redirectNodes.push(...outerRedirects);
    // tree-sitter-bash reads words after a redirection target (`rm -rf >/dev/null /`) as more destinations of that
    // redirection; bash passes them to the command as arguments.
    for (const r of redirectNodes) {
      if (r.type !== 'file_redirect') continue;
      const dests = r.children.filter(
        (c, i): c is SyntaxNode => !!c && r.fieldNameForChild(i) === 'destination',
      );
      for (const d of dests.slice(1)) {
        this.findSubstitutions(d, ctx);
        words.push(evaluateWord(d));
      }
    }
    const redirects = [...(ctx.outer ?? []), ...this.readRedirects(redirectNodes, ctx)];
    // A heredoc followed by `| next` on the same line: this command is the first stage of that pipeline.
    const pipesOn = redirectNodes.some(
      (r) => r.type === 'heredoc_redirect' && r.namedChildren.some((c) => c?.type === 'pipeline'),
    );
    let cctx = ctx;
    if (pipesOn && ctx.pipeline === undefined) cctx = { ...ctx, pipeline: ++this.pipelines, position: 0 };
    const before = this.commands.length;
    let outcome = stay(ctx.cwd);
    if (words.length === 0) {
      if (redirects.length > 0) {
        this.emit(cctx, {
          name: ':',
          argv: [':'],
          words: [],
          assigns,
          redirects,
          text: node.text,
          extraPaths: [],
          dynamic: false,
        });
      }
    } else outcome = this.resolveCommand(words, assigns, redirects, cctx, node.text);
    const first = this.commands.slice(before).find((c) => c.depth === ctx.depth);
    return this.walkContinuations(redirectNodes, ctx, first, outcome);
  }

  /**
   * Looks through wrappers and shell-running commands, then emits the command (or walks what it runs); says where it
   * leaves the shell.
   */
  private resolveCommand(
    words: Word[],
    assigns: string[],
    redirects: RedirectInfo[],
    ctx: Ctx,
    text: string,
  ): Outcome {
    let argv = words;
    const via = [...ctx.via];
    const allAssigns = [...assigns];
    let moreArgs = false;
    let xargs: XargsInput | undefined;
    // The words so far run in this shell: a `cd` here moves it (one run by env, sudo, xargs or /usr/bin/cd does not).
    let inShell = true;
    for (let guard = 0; guard < 32; guard++) {
      const head = argv[0];
      if (!head) return stay(ctx.cwd);
      const name = normalizeCommandName(head.value);
      inShell &&= !head.value.includes('/');
      if (head.dynamic) {
        this.addUnknown('command name is not static', text);
        this.emitResolved({ ...ctx, via }, name, argv, allAssigns, redirects, text, moreArgs, []);
        return stay(inShell ? 'unknown' : ctx.cwd);
      }
      const wrapped = unwrapCommand(name, argv.slice(1));
      if (wrapped) {
        // Only `command`, `builtin` and a leading `time` (a keyword) run the next word in this shell.
        inShell &&=
          ['command', 'builtin'].includes(name) || (name === 'time' && via.length === ctx.via.length);
        via.push(wrapped.via);
        allAssigns.push(...wrapped.assigns);
        moreArgs ||= wrapped.moreArgs;
        // What xargs feeds the command is judged as its operands.
        if (name === 'xargs')
          xargs = xargsInput(argv.slice(1, argv.length - wrapped.inner.length), ctx.upstream);
        if (wrapped.script) {
          this.walkShellText(
            wrapped.script,
            { ...ctx, via, outer: redirects },
            `${wrapped.via} script`,
            text,
          );
          return stay(ctx.cwd);
        }
        argv = wrapped.inner;
        continue;
      }
      if (xargs) {
        argv = withXargsInput(argv, xargs);
        xargs = undefined;
      }
      if (name === 'find') {
        this.resolveFind(argv, allAssigns, redirects, { ...ctx, via }, text);
        return stay(ctx.cwd);
      }
      if (CHDIRS.has(name)) {
        const target = chdirTarget(name, argv.slice(1));
        const ref = typeof target === 'object' ? makePathRef(target, 'read', 'operand') : undefined;
        this.emitResolved(
          { ...ctx, via },
          name,
          argv,
          allAssigns,
          redirects,
          text,
          moreArgs,
          ref ? [ref] : [],
        );
        return inShell ? this.chdir(ctx.cwd, target) : stay(ctx.cwd);
      }
      const run = classifyShellRun(name, argv.slice(1));
      if (run?.kind === 'text') {
        via.push(run.via);
        const before = this.commands.length;
        const inner = this.walkShellText(
          run.script,
          { ...ctx, via, outer: redirects, remote: ctx.remote || run.remote },
          run.via,
          text,
        );
        // `bash -c ''` runs nothing, but the call is still reported as the shell it starts.
        if (this.commands.length === before)
          this.emitResolved(
            { ...ctx, via: via.slice(0, -1) },
            name,
            argv,
            allAssigns,
            redirects,
            text,
            moreArgs,
            [],
          );
        if (run.remote) this.addUnknown('command runs on a remote host (ssh)', text);
        // eval runs its text in this shell; sh -c, su -c and ssh start another one.
        return inShell && name === 'eval' ? inner : stay(ctx.cwd);
      }
      if (run?.kind === 'stdin') {
        via.push(run.via);
        const inner = this.walkStdinScript({ ...ctx, via }, redirects, text, name, argv);
        return inShell && (name === 'source' || name === '.') ? inner : stay(ctx.cwd);
      }
      if (run?.kind === 'file' && (run.file.dynamic || /^[<>]\(/.test(run.file.value))) {
        this.addUnknown(`${name} runs a script that cannot be known statically`, text);
      }
      const extra: PathRef[] = [];
      if (run?.kind === 'file') {
        const r = makePathRef(run.file, 'exec', 'operand');
        if (r) extra.push(r);
      }
      // Options and variables that run other programs or write files (programs.ts): nested shell text, paths, unknowns.
      for (const n of programRuns(name, argv.slice(1), allAssigns, extra, (u) => this.addUnknown(u, text))) {
        const before = this.commands.length;
        this.walkShellText(n.script, { ...ctx, via: [...via, n.via], outer: undefined }, n.via, text);
        // Arguments added at run time, as with find -exec: what the program touches cannot all be known.
        if (n.moreArgs) for (const c of this.commands.slice(before)) c.dynamic = true;
      }
      if (isInterpreter(name)) {
        const stdin = this.stdinFor(redirects, ctx);
        const found = analyzeInterpreter(name, argv.slice(1), stdin);
        for (const u of found.unknowns) this.addUnknown(u, text);
        extra.push(...found.paths);
        const inner: Ctx = {
          ...ctx,
          via: [...via, found.via],
          outer: undefined,
          pipeline: undefined,
          position: undefined,
          upstream: undefined,
        };
        for (const sh of found.shellTexts) this.walkShellText(makeWord(sh), inner, found.via, text);
      }
      this.emitResolved({ ...ctx, via }, name, argv, allAssigns, redirects, text, moreArgs, extra);
      // Nothing after `exit` runs, unless exit is a function of the text's own.
      if (name === 'exit' && inShell && !this.cdUnsure) return { ok: [], fail: [] };
      return stay(ctx.cwd);
    }
    this.addUnknown('too many nested wrappers', text);
    return stay('unknown');
  }

  /** Where `cd`, pushd or popd leave the shell: at the target when they succeed, where it was when they fail. */
  private chdir(cwd: Dirs, target: Word | 'stay' | 'unknown'): Outcome {
    if (target === 'stay') return stay(cwd);
    this.moved = true;
    if (this.cdUnsure) return stay('unknown');
    return { ok: target === 'unknown' ? 'unknown' : moveTo(cwd, target.value), fail: cwd };
  }

  /** find itself reads (or deletes) its start points; each -exec/-execdir/-ok command runs on what it finds. */
  private resolveFind(
    argv: Word[],
    assigns: string[],
    redirects: RedirectInfo[],
    ctx: Ctx,
    text: string,
  ): void {
    const own: Word[] = [];
    const execs: Word[][] = [];
    for (let i = 0; i < argv.length; i++) {
      const w = argv[i] as Word;
      if (i > 0 && ['-exec', '-execdir', '-ok', '-okdir'].includes(w.value)) {
        const cmd: Word[] = [];
        for (i++; i < argv.length; i++) {
          const v = (argv[i] as Word).value;
          if (v === ';' || v === '+') break;
          cmd.push(argv[i] as Word);
        }
        execs.push(cmd);
        continue;
      }
      own.push(w);
    }
    this.emitResolved(ctx, 'find', own, assigns, redirects, text, false, []);
    const findCmd = this.commands[this.commands.length - 1];
    const roots = (findCmd?.paths ?? [])
      .filter((p) => p.source === 'operand' && p.access !== 'write')
      .map((p) => p.path);
    for (const cmd of execs) {
      const before = this.commands.length;
      this.resolveCommand(cmd, [], [], { ...ctx, via: [...ctx.via, 'find -exec'], outer: undefined }, text);
      for (const c of this.commands.slice(before)) {
        c.dynamic = true;
        // `{}` stands for every file under the start points: carry the access the command gives it to them.
        const braces = c.paths.filter((p) => p.path.includes('{}'));
        c.paths = c.paths.filter((p) => !p.path.includes('{}'));
        for (const b of braces)
          for (const root of roots)
            c.paths.push({ path: root, access: b.access, source: 'operand', dynamic: true });
      }
    }
  }

  /** The heredoc or here-string text a command reads, or undefined. */
  private stdinFor(
    redirects: RedirectInfo[],
    ctx: Ctx,
  ): { text: string; dynamic: boolean } | 'pipe' | undefined {
    for (let i = redirects.length - 1; i >= 0; i--) {
      const r = redirects[i] as RedirectInfo;
      if (r.stdinText !== undefined) return { text: r.stdinText, dynamic: !!r.stdinDynamic };
      if (r.redirect.fd === 0 && r.redirect.op === '<') return undefined;
    }
    if (ctx.position !== undefined && ctx.position > 0) return 'pipe';
    return undefined;
  }

  /** A shell reading its script from stdin: a heredoc or here-string is parsed, a pipe is judged by its source. */
  private walkStdinScript(
    ctx: Ctx,
    redirects: RedirectInfo[],
    text: string,
    name: string,
    argv: Word[],
  ): Outcome {
    const stdin = this.stdinFor(redirects, ctx);
    if (stdin === undefined) {
      // A script file given with `<`, or an interactive shell: the shell itself is the command.
      this.emitResolved({ ...ctx, via: ctx.via.slice(0, -1) }, name, argv, [], redirects, text, false, []);
      return stay('unknown');
    }
    const inner: Ctx = {
      ...ctx,
      outer: undefined,
      pipeline: undefined,
      position: undefined,
      upstream: undefined,
    };
    if (stdin !== 'pipe')
      return this.walkShellText(makeWord(stdin.text, stdin.dynamic), inner, `${name} stdin`, text);
    const literal = this.literalOutput(ctx.upstream ?? []);
    if (literal !== undefined) return this.walkShellText(makeWord(literal), inner, `${name} stdin`, text);
    const sources = (ctx.upstream ?? []).map((c) => c.name);
    let reason = `script piped to ${name} from ${sources.join(', ') || 'an unknown source'}`;
    if (sources.some((s) => DECODERS.has(s))) reason = `decoded payload piped to ${name}`;
    else if (sources.some((s) => FETCHERS.has(s))) reason = `downloaded script piped to ${name}`;
    this.addUnknown(reason, text);
    return stay('unknown');
  }

  /** The text a pipeline stage writes when it is plain (`echo TEXT`, `printf TEXT`, `cat <<EOF`), else undefined. */
  private literalOutput(upstream: SimpleCommand[]): string | undefined {
    if (upstream.length !== 1) return undefined;
    const c = upstream[0] as SimpleCommand;
    if (c.dynamic) return undefined;
    if (c.name === 'echo') {
      const args = c.argv.slice(1);
      while (args[0] && /^-[neE]+$/.test(args[0])) args.shift();
      return args.join(' ') + '\n';
    }
    if (c.name === 'printf' && c.argv.length === 2) return unescapePrintf(c.argv[1] as string);
    if (c.name === 'cat' && c.argv.length === 1) {
      const s = this.stdinOf.get(c);
      if (s && !s.dynamic) return s.text;
    }
    return undefined;
  }

  /**
   * Parses `script` as shell one level deeper, from where the shell is; a script that is only an expansion is an
   * Unknown. Says where the script leaves the shell (for eval and source, which run it in this shell).
   */
  private walkShellText(script: Word, ctx: Ctx, label: string, text: string): Outcome {
    const depth = ctx.depth + 1;
    if (depth > MAX_DEPTH) {
      this.addUnknown(`shell text nested deeper than ${MAX_DEPTH} levels`, text);
      return stay('unknown');
    }
    const value = script.value;
    if (script.dynamic && /^\s*("?)\$[{(A-Za-z_@*0-9#?!-][^\s]*\1\s*$/.test(value)) {
      this.addUnknown(`${label}: shell text comes from an expansion`, text);
      return stay('unknown');
    }
    const parsed = this.parseText(value);
    if (!parsed) {
      this.addUnknown(`${label}: shell text cannot be parsed`, text);
      return stay('unknown');
    }
    if (CD_CHANGERS.test(value)) this.cdUnsure = true;
    try {
      if (parsed.root.hasError) this.addUnknown(`${label}: shell text has a syntax error`, text);
      const before = this.commands.length;
      const end = this.walkNode(parsed.root, {
        depth,
        via: ctx.via,
        outer: ctx.outer,
        remote: ctx.remote,
        cwd: ctx.cwd,
      });
      if (this.commands.length === before && (ctx.outer?.length ?? 0) > 0) {
        this.emit(
          { ...ctx, depth },
          {
            name: ':',
            argv: [':'],
            words: [],
            assigns: [],
            redirects: ctx.outer ?? [],
            text,
            extraPaths: [],
            dynamic: false,
          },
        );
      }
      return end;
    } finally {
      parsed.release();
    }
  }

  /** Emits a resolved command: operands classified by its name, redirections added. */
  private emitResolved(
    ctx: Ctx,
    name: string,
    argv: Word[],
    assigns: string[],
    redirects: RedirectInfo[],
    text: string,
    moreArgs: boolean,
    extraPaths: PathRef[],
  ): void {
    const head = argv[0];
    const paths = [...extraPaths];
    if (head && head.value.includes('/') && !head.dynamic) {
      const r = makePathRef(head, 'exec', 'operand');
      if (r) paths.unshift(r);
    }
    // An operand already known with a precise access (a script run by a shell) is not repeated as `unknown`.
    // Interpreters report their own operands (analyzeInterpreter): their code is not a path. cd's target is given
    // as read: cd changes no file, and later commands are judged in that directory.
    for (const r of isInterpreter(name) || CHDIRS.has(name) ? [] : classifyOperands(name, argv.slice(1))) {
      if (!(r.access === 'unknown' && paths.some((p) => p.path === r.path))) paths.push(r);
    }
    if ((name === 'source' || name === '.') && argv[1] && argv[1].dynamic) {
      this.addUnknown(`${name} of a file that cannot be known statically`, text);
    }
    this.emit(ctx, {
      name,
      argv: argv.map((w) => w.value),
      words: argv,
      assigns,
      redirects,
      text,
      extraPaths: paths,
      dynamic: moreArgs || argv.some((w) => w.dynamic),
    });
  }

  private emit(
    ctx: Ctx,
    c: {
      name: string;
      argv: string[];
      words: Word[];
      assigns: string[];
      redirects: RedirectInfo[];
      text: string;
      extraPaths: PathRef[];
      dynamic: boolean;
    },
  ): void {
    const pipeline = ctx.pipeline ?? ++this.pipelines;
    const paths: PathRef[] = ctx.remote ? [] : [...c.extraPaths];
    if (!ctx.remote) for (const r of c.redirects) paths.push(...redirectPaths(r.redirect));
    const cmd: SimpleCommand = {
      name: c.name,
      argv: c.argv,
      assigns: c.assigns,
      redirects: c.redirects.map((r) => r.redirect),
      paths,
      via: ctx.via,
      depth: ctx.depth,
      pipeline,
      position: ctx.position ?? 0,
      dynamic: c.dynamic,
      text: c.text,
    };
    if (ctx.cwd === 'unknown') cmd.cwdUnknown = true;
    else if (ctx.cwd.length !== 1 || ctx.cwd[0]?.length !== 0) cmd.cwd = ctx.cwd.map((chain) => [...chain]);
    this.commands.push(cmd);
    const stdin = [...c.redirects].reverse().find((r) => r.stdinText !== undefined);
    if (stdin?.stdinText !== undefined)
      this.stdinOf.set(cmd, { text: stdin.stdinText, dynamic: !!stdin.stdinDynamic });
  }
}

function isStatement(n: SyntaxNode | null): n is SyntaxNode {
  return !!n && n.type !== 'comment';
}

function statementCtx(ctx: Ctx): Ctx {
  return { depth: ctx.depth, via: ctx.via, outer: ctx.outer, remote: ctx.remote, cwd: ctx.cwd };
}

/** A statement that leaves the shell where it was, whether it succeeds or fails. */
function stay(cwd: Dirs): Outcome {
  return { ok: cwd, fail: cwd };
}

/** Where the next statement starts: `dirs`, or `before` when nothing gets there (after `exit`, judged anyway). */
function reachable(dirs: Dirs, before: Dirs): Dirs {
  return dirs !== 'unknown' && dirs.length === 0 ? before : dirs;
}

function sameChain(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/** The shell is in one of `a` or one of `b`. */
function union(a: Dirs, b: Dirs): Dirs {
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  const out = [...a];
  for (const chain of b) if (!out.some((c) => sameChain(c, chain))) out.push(chain);
  return out.length > MAX_DIRS ? 'unknown' : out;
}

/** Every directory of `a` is one of `b`. */
function within(a: Dirs, b: Dirs): boolean {
  if (b === 'unknown') return true;
  return a !== 'unknown' && a.every((chain) => b.some((c) => sameChain(c, chain)));
}

/** Where `cd target` goes from each of `dirs`; an absolute or home target starts the chain anew. */
function moveTo(dirs: Dirs, target: string): Dirs {
  if (ANCHORED.test(target)) return [[target]];
  return dirs === 'unknown' ? 'unknown' : dirs.map((chain) => [...chain, target]);
}

function setUnknownDir(c: SimpleCommand): void {
  delete c.cwd;
  c.cwdUnknown = true;
}

/**
 * Where cd, pushd or popd take the shell: a directory as written (`cd` alone: home), nowhere (`pushd -n`), or
 * somewhere unknown (`cd -`, `cd $X`, `cd ~user`, a glob, popd, pushd alone or +N, zsh's `cd old new`).
 */
function chdirTarget(name: string, args: Word[]): Word | 'stay' | 'unknown' {
  let i = 0;
  let options = '';
  for (; i < args.length; i++) {
    const w = args[i] as Word;
    if (w.value === '--') {
      i++;
      break;
    }
    if (w.dynamic || !/^-[LPe@nqs]+$/.test(w.value)) break;
    options += w.value.slice(1);
  }
  if (name !== 'cd' && options.includes('n')) return 'stay';
  const rest = args.slice(i);
  const target = rest[0] ?? (name === 'cd' ? makeWord('~') : undefined);
  if (!target || rest.length > 1 || name === 'popd' || target.dynamic || target.glob) return 'unknown';
  if (target.value === '' || /^[-+]|^~[^/]/.test(target.value)) return 'unknown';
  // -P resolves `..` after symlinks on disk, not by dropping the name before it.
  if (options.includes('P') && /(^|\/)\.\.(\/|$)/.test(target.value)) return 'unknown';
  return target;
}

function descriptorOf(n: SyntaxNode): number | undefined {
  const d = n.children.find((c) => c?.type === 'file_descriptor');
  return d ? Number(d.text) : undefined;
}

function readFileRedirect(n: SyntaxNode): RedirectInfo {
  const op = n.children.find((c) => c && !c.isNamed)?.text ?? '>';
  const dest =
    n.childForFieldName('destination') ?? n.namedChildren.find((c) => c && c.type !== 'file_descriptor');
  const w = dest ? evaluateWord(dest) : makeWord('');
  const fd = descriptorOf(n) ?? (op.startsWith('<') ? 0 : 1);
  return { redirect: { op, fd, target: w.value, dynamic: w.dynamic || w.glob } };
}

function redirectPaths(r: Redirect): PathRef[] {
  const w: Word = { value: r.target, dynamic: r.dynamic, glob: false };
  let access: 'read' | 'write' | undefined;
  if (WRITE_OPS.has(r.op)) access = 'write';
  else if (r.op === '<') access = 'read';
  else if ((r.op === '>&' || r.op === '<&') && !/^(\d+-?|-)$/.test(r.target))
    access = r.op === '>&' ? 'write' : 'read';
  if (!access) return [];
  const ref = makePathRef(w, access, 'redirect');
  return ref ? [ref] : [];
}

/** `NAME=value` with the value after quote removal. */
function evaluateAssignment(n: SyntaxNode): Word {
  if (n.type !== 'variable_assignment') return evaluateWord(n);
  const name = n.childForFieldName('name')?.text ?? '';
  const value = n.childForFieldName('value');
  const op = n.text.slice(name.length).startsWith('+=') ? '+=' : '=';
  if (!value) return makeWord(`${name}${op}`);
  const w = evaluateWord(value);
  return { ...w, value: `${name}${op}${w.value}` };
}

/** printf's format with its backslash escapes decoded (only used when it has no other argument). */
function unescapePrintf(fmt: string): string {
  return fmt
    .replace(/\\(n|t|\\)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'))
    .replace(/%%/g, '%');
}

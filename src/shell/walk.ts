// Walks a tree-sitter-bash syntax tree and collects every simple command, recursing into nested shell text.
import { analyzeInterpreter, isInterpreter } from './interpreters.js';
import { normalizeCommandName } from './names.js';
import { classifyOperands, makePathRef } from './operands.js';
import { classifyShellRun } from './shells.js';
import type { SyntaxNode } from './tree.js';
import type { PathRef, Redirect, SimpleCommand, Unknown } from './types.js';
import { evaluateWord, makeWord, type Word } from './words.js';
import { unwrapCommand } from './wrappers.js';

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
const STATEMENT_CONTAINERS = new Set([
  'program',
  'list',
  'compound_statement',
  'subshell',
  'do_group',
  'else_clause',
  'elif_clause',
  'if_statement',
  'while_statement',
  'negated_command',
  'case_item',
  'c_style_for_statement',
  'ERROR',
]);

/** Collects simple commands and unknowns from syntax trees. One walker serves one parseShell call. */
export class Walker {
  readonly commands: SimpleCommand[] = [];
  readonly unknowns: Unknown[] = [];
  private pipelines = 0;
  /** The stdin text each command reads from a heredoc or here-string (for `cat <<EOF | sh`). */
  private readonly stdinOf = new WeakMap<SimpleCommand, { text: string; dynamic: boolean }>();

  constructor(private readonly parseText: ParseText) {}

  /** Walks the statements of a parsed program at the given depth. */
  walkProgram(
    root: SyntaxNode,
    depth: number,
    via: string[],
    outer?: RedirectInfo[],
    remote?: boolean,
  ): void {
    this.walkNode(root, { depth, via, outer, remote });
  }

  private addUnknown(reason: string, text: string): void {
    this.unknowns.push({ reason, text: text.length > 500 ? text.slice(0, 500) + '…' : text });
  }

  private walkNode(node: SyntaxNode, ctx: Ctx): void {
    switch (node.type) {
      case 'comment':
      case 'heredoc_body':
      case 'heredoc_start':
      case 'heredoc_end':
        return;
      case 'command':
        this.walkCommand(node, ctx, []);
        return;
      case 'pipeline':
        this.walkPipeline(node.namedChildren.filter(isStatement), ctx);
        return;
      case 'redirected_statement':
        this.walkRedirected(node, ctx);
        return;
      case 'declaration_command':
      case 'unset_command':
        this.walkDeclaration(node, ctx);
        return;
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
        return;
      case 'variable_assignment':
      case 'variable_assignments':
        this.findSubstitutions(node, ctx);
        return;
      case 'function_definition': {
        const body = node.childForFieldName('body');
        if (body)
          this.walkNode(body, { ...ctx, pipeline: undefined, position: undefined, upstream: undefined });
        return;
      }
      case 'for_statement':
      case 'case_statement':
        for (const c of node.namedChildren) {
          if (!c) continue;
          if (c.type === 'do_group' || c.type === 'case_item') this.walkNode(c, statementCtx(ctx));
          else this.findSubstitutions(c, ctx);
        }
        return;
      case 'command_substitution':
      case 'process_substitution':
        this.walkSubstitution(node, ctx);
        return;
      default:
        if (STATEMENT_CONTAINERS.has(node.type)) {
          for (const c of node.namedChildren) if (c) this.walkNode(c, statementCtx(ctx));
          return;
        }
        // Word-like or unforeseen nodes: only the substitutions inside them run.
        this.findSubstitutions(node, ctx);
    }
  }

  /** Walks the stages of a pipeline; each stage sees the previous stage's commands as its stdin. */
  private walkPipeline(
    stages: SyntaxNode[],
    ctx: Ctx,
    first?: { pipeline: number; position: number; upstream: SimpleCommand[] },
  ): void {
    const id = first?.pipeline ?? ++this.pipelines;
    let position = first?.position ?? 0;
    let upstream = first?.upstream;
    for (const stage of stages) {
      const before = this.commands.length;
      this.walkNode(stage, { ...ctx, outer: undefined, pipeline: id, position, upstream });
      upstream = this.commands.slice(before).filter((c) => c.depth === ctx.depth);
      position++;
    }
  }

  private walkRedirected(node: SyntaxNode, ctx: Ctx): void {
    const body = node.childForFieldName('body');
    const redirectNodes = node.children.filter(
      (c, i): c is SyntaxNode => !!c && node.fieldNameForChild(i) === 'redirect',
    );
    if (body?.type === 'command') {
      this.walkCommand(body, ctx, redirectNodes);
      return;
    }
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
      this.walkContinuations(redirectNodes, ctx, undefined);
      return;
    }
    this.walkNode(body, { ...ctx, outer: [...(ctx.outer ?? []), ...infos] });
    this.walkContinuations(redirectNodes, ctx, undefined);
  }

  private walkDeclaration(node: SyntaxNode, ctx: Ctx): void {
    this.findSubstitutions(node, ctx);
    const keyword = node.child(0)?.text ?? node.type;
    const words = node.namedChildren.filter((c): c is SyntaxNode => !!c).map((c) => evaluateAssignment(c));
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
    const inner: Ctx = { depth: ctx.depth + 1, via: [...ctx.via, mark], remote: ctx.remote };
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

  /** tree-sitter-bash puts what follows a heredoc operator on its line (`| sh`, `&& rm x`) inside the heredoc node. */
  private walkContinuations(nodes: SyntaxNode[], ctx: Ctx, first: SimpleCommand | undefined): void {
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
        if (c.type === 'pipeline' && first) {
          this.walkPipeline(c.namedChildren.filter(isStatement), ctx, {
            pipeline: first.pipeline,
            position: first.position + 1,
            upstream: [first],
          });
        } else this.walkNode(c, statementCtx(ctx));
      }
    }
  }

  private walkCommand(node: SyntaxNode, ctx: Ctx, outerRedirects: SyntaxNode[]): void {
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
    } else this.resolveCommand(words, assigns, redirects, cctx, node.text);
    const first = this.commands.slice(before).find((c) => c.depth === ctx.depth);
    this.walkContinuations(redirectNodes, ctx, first);
  }

  /** Looks through wrappers and shell-running commands, then emits the command (or walks what it runs). */
  private resolveCommand(
    words: Word[],
    assigns: string[],
    redirects: RedirectInfo[],
    ctx: Ctx,
    text: string,
  ): void {
    let argv = words;
    const via = [...ctx.via];
    const allAssigns = [...assigns];
    let moreArgs = false;
    for (let guard = 0; guard < 32; guard++) {
      const head = argv[0];
      if (!head) return;
      const name = normalizeCommandName(head.value);
      if (head.dynamic) {
        this.addUnknown('command name is not static', text);
        this.emitResolved({ ...ctx, via }, name, argv, allAssigns, redirects, text, moreArgs, []);
        return;
      }
      const wrapped = unwrapCommand(name, argv.slice(1));
      if (wrapped) {
        via.push(wrapped.via);
        allAssigns.push(...wrapped.assigns);
        moreArgs ||= wrapped.moreArgs;
        if (wrapped.script) {
          this.walkShellText(
            wrapped.script,
            { ...ctx, via, outer: redirects },
            `${wrapped.via} script`,
            text,
          );
          return;
        }
        argv = wrapped.inner;
        continue;
      }
      if (name === 'find') {
        this.resolveFind(argv, allAssigns, redirects, { ...ctx, via }, text);
        return;
      }
      const run = classifyShellRun(name, argv.slice(1));
      if (run?.kind === 'text') {
        via.push(run.via);
        const before = this.commands.length;
        this.walkShellText(
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
        return;
      }
      if (run?.kind === 'stdin') {
        via.push(run.via);
        this.walkStdinScript({ ...ctx, via }, redirects, text, name, argv);
        return;
      }
      if (run?.kind === 'file' && (run.file.dynamic || /^[<>]\(/.test(run.file.value))) {
        this.addUnknown(`${name} runs a script that cannot be known statically`, text);
      }
      const extra: PathRef[] = [];
      if (run?.kind === 'file') {
        const r = makePathRef(run.file, 'exec', 'operand');
        if (r) extra.push(r);
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
      return;
    }
    this.addUnknown('too many nested wrappers', text);
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
  ): void {
    const stdin = this.stdinFor(redirects, ctx);
    if (stdin === undefined) {
      // A script file given with `<`, or an interactive shell: the shell itself is the command.
      this.emitResolved({ ...ctx, via: ctx.via.slice(0, -1) }, name, argv, [], redirects, text, false, []);
      return;
    }
    const inner: Ctx = {
      ...ctx,
      outer: undefined,
      pipeline: undefined,
      position: undefined,
      upstream: undefined,
    };
    if (stdin !== 'pipe') {
      this.walkShellText(makeWord(stdin.text, stdin.dynamic), inner, `${name} stdin`, text);
      return;
    }
    const literal = this.literalOutput(ctx.upstream ?? []);
    if (literal !== undefined) {
      this.walkShellText(makeWord(literal), inner, `${name} stdin`, text);
      return;
    }
    const sources = (ctx.upstream ?? []).map((c) => c.name);
    let reason = `script piped to ${name} from ${sources.join(', ') || 'an unknown source'}`;
    if (sources.some((s) => DECODERS.has(s))) reason = `decoded payload piped to ${name}`;
    else if (sources.some((s) => FETCHERS.has(s))) reason = `downloaded script piped to ${name}`;
    this.addUnknown(reason, text);
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

  /** Parses `script` as shell one level deeper; a script that is only an expansion is an Unknown. */
  private walkShellText(script: Word, ctx: Ctx, label: string, text: string): void {
    const depth = ctx.depth + 1;
    if (depth > MAX_DEPTH) {
      this.addUnknown(`shell text nested deeper than ${MAX_DEPTH} levels`, text);
      return;
    }
    const value = script.value;
    if (script.dynamic && /^\s*("?)\$[{(A-Za-z_@*0-9#?!-][^\s]*\1\s*$/.test(value)) {
      this.addUnknown(`${label}: shell text comes from an expansion`, text);
      return;
    }
    const parsed = this.parseText(value);
    if (!parsed) {
      this.addUnknown(`${label}: shell text cannot be parsed`, text);
      return;
    }
    try {
      if (parsed.root.hasError) this.addUnknown(`${label}: shell text has a syntax error`, text);
      const before = this.commands.length;
      this.walkNode(parsed.root, { depth, via: ctx.via, outer: ctx.outer, remote: ctx.remote });
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
    // Interpreters report their own operands (analyzeInterpreter): their code is not a path.
    for (const r of isInterpreter(name) ? [] : classifyOperands(name, argv.slice(1))) {
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
  return { depth: ctx.depth, via: ctx.via, outer: ctx.outer, remote: ctx.remote };
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

// CEL conditions: one typed environment, compile + type-check once, static size bounds, and the per-call activation.
import type { ParseError } from '@marcbachmann/cel-js';
import { Environment, type ASTNode, type ParseResult } from '@marcbachmann/cel-js';
import type { CallInput } from './types.js';
import type { SimpleCommand } from '../shell/types.js';
import { checkRegexSafety } from './regex-safety.js';
import { LIMITS } from './schema.js';

/** Static bounds (the library has no runtime cost budget): see docs/policy-language.md "Bounds". */
export const CEL_LIMITS = {
  maxLength: LIMITS.celLength,
  maxAstNodes: 400,
  maxDepth: 32,
  maxNestedMacros: 2,
} as const;

class CelCommand {
  constructor(
    readonly name: string,
    readonly argv: string[],
    readonly assigns: string[],
    readonly via: string[],
    readonly redirects: CelRedirect[],
    readonly depth: bigint,
    readonly pipeline: bigint,
    readonly position: bigint,
    readonly dynamic: boolean,
    readonly text: string,
  ) {}
}
class CelRedirect {
  constructor(
    readonly op: string,
    readonly fd: bigint,
    readonly target: string,
    readonly dynamic: boolean,
  ) {}
}
class CelPath {
  constructor(
    readonly path: string,
    readonly written: string,
    readonly access: string,
    readonly source: string,
    readonly dynamic: string,
  ) {}
}
class CelAgent {
  constructor(
    readonly id: string,
    readonly type: string,
  ) {}
}

/** The variables a `when:` condition sees, with their CEL types (documented in docs/policy-language.md). */
export const CEL_VARIABLES: Readonly<Record<string, string>> = {
  tool: 'string',
  input: 'map<string, dyn>',
  worker: 'string',
  session: 'string',
  cwd: 'string',
  home: 'string',
  commands: 'list<Command>',
  command: 'Command',
  paths: 'list<Path>',
  unknowns: 'list<string>',
  agent: 'Agent',
  now: 'google.protobuf.Timestamp',
};

const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

let sharedEnv: Environment | undefined;

// Builds (once per process) the environment with the declared, typed variables.
function getEnvironment(): Environment {
  if (sharedEnv) return sharedEnv;
  const env = new Environment({
    limits: {
      maxAstNodes: CEL_LIMITS.maxAstNodes,
      maxDepth: CEL_LIMITS.maxDepth,
      maxListElements: 100,
      maxMapEntries: 100,
    },
  })
    .registerType('Redirect', {
      ctor: CelRedirect,
      fields: { op: 'string', fd: 'int', target: 'string', dynamic: 'bool' },
    })
    .registerType('Command', {
      ctor: CelCommand,
      fields: {
        name: 'string',
        argv: 'list<string>',
        assigns: 'list<string>',
        via: 'list<string>',
        redirects: 'list<Redirect>',
        depth: 'int',
        pipeline: 'int',
        position: 'int',
        dynamic: 'bool',
        text: 'string',
      },
    })
    .registerType('Path', {
      ctor: CelPath,
      fields: { path: 'string', written: 'string', access: 'string', source: 'string', dynamic: 'string' },
    })
    .registerType('Agent', { ctor: CelAgent, fields: { id: 'string', type: 'string' } });
  for (const [name, type] of Object.entries(CEL_VARIABLES)) env.registerVariable(name, type);
  sharedEnv = env;
  return env;
}

export interface CelCompileError {
  code: 'CEL_SYNTAX' | 'CEL_TYPE' | 'CEL_NOT_BOOL' | 'CEL_TOO_LARGE' | 'REGEX_UNSAFE';
  message: string;
  offset: number;
  hint: string;
}

export interface CelProgram {
  source: string;
  run: ParseResult;
  /** True when the expression reads no variable and evaluates to false: the rule can never match. */
  constantFalse: boolean;
  /**
   * A cheap, exact test run before the condition: true when a top-level conjunct is certainly false for this call and
   * command, so the condition is false without running it; null when no conjunct has a recognised form.
   */
  refute: Refuter | null;
}

/** Returns true only when the condition certainly evaluates to false (never when it would be true or fail). */
export type Refuter = (call: CallInput, command: SimpleCommand | undefined) => boolean;

// Parses, bounds and type-checks one condition; returns the program or the first error (never throws).
export function compileCel(source: string): { program?: CelProgram; error?: CelCompileError } {
  if (source.length > CEL_LIMITS.maxLength) {
    return {
      error: err(
        'CEL_TOO_LARGE',
        `condition is ${source.length} characters`,
        0,
        `keep it under ${CEL_LIMITS.maxLength}`,
      ),
    };
  }
  let run: ParseResult;
  try {
    run = getEnvironment().parse(source);
  } catch (e) {
    const pe = e as ParseError;
    const tooBig = /limit|exceed|maximum/i.test(pe.message);
    return {
      error: err(
        tooBig ? 'CEL_TOO_LARGE' : 'CEL_SYNTAX',
        firstLine(pe.message),
        pe.range?.start ?? 0,
        tooBig
          ? `at most ${CEL_LIMITS.maxAstNodes} nodes and depth ${CEL_LIMITS.maxDepth}`
          : 'check the CEL syntax',
      ),
    };
  }
  const bound = checkAst(run.ast);
  if (bound) return { error: bound };
  const checked = run.check();
  if (!checked.valid) {
    const e = checked.error;
    return {
      error: err(
        'CEL_TYPE',
        firstLine(e?.message ?? 'type error'),
        e?.range?.start ?? 0,
        `variables: ${Object.entries(CEL_VARIABLES)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')}; guard optional input fields with has()`,
      ),
    };
  }
  if (checked.type !== 'bool') {
    return {
      error: err(
        'CEL_NOT_BOOL',
        `condition returns ${checked.type ?? 'unknown'}, not bool`,
        0,
        'compare explicitly, e.g. input.flag == true',
      ),
    };
  }
  return { program: { source, run, constantFalse: isConstantFalse(run), refute: buildRefuter(run.ast) } };
}

function err(code: CelCompileError['code'], message: string, offset: number, hint: string): CelCompileError {
  return { code, message, offset, hint };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

// Walks the AST: bounds macro nesting and requires `matches()` to take a safe literal regex.
function checkAst(root: ASTNode): CelCompileError | undefined {
  let found: CelCompileError | undefined;
  const walk = (node: unknown, macros: number): void => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) walk(n, macros);
      return;
    }
    const n = node as ASTNode;
    if (typeof n.op !== 'string') return;
    let depth = macros;
    if (n.op === 'rcall' || n.op === 'call') {
      const [name] = n.args as [string, ...unknown[]];
      if (MACROS.has(name) && n.op === 'rcall') depth++;
      if (depth > CEL_LIMITS.maxNestedMacros) {
        found = err(
          'CEL_TOO_LARGE',
          `more than ${CEL_LIMITS.maxNestedMacros} nested comprehensions`,
          n.start,
          'flatten the condition',
        );
        return;
      }
      if (name === 'matches') {
        const argList =
          n.op === 'rcall' ? (n.args as [string, ASTNode, ASTNode[]])[2] : (n.args as [string, ASTNode[]])[1];
        const re = argList[argList.length - 1];
        if (!re || re.op !== 'value' || typeof re.args !== 'string') {
          found = err(
            'REGEX_UNSAFE',
            'matches() needs a literal regex',
            n.start,
            'write the regex as a string literal',
          );
          return;
        }
        const safety = checkRegexSafety(re.args);
        if (!safety.ok) {
          found = err('REGEX_UNSAFE', safety.message, re.start, safety.hint);
          return;
        }
      }
    }
    walk(n.args, depth);
  };
  walk(root, 0);
  return found;
}

function isConstantFalse(run: ParseResult): boolean {
  let readsVariable = false;
  const walk = (node: unknown): void => {
    if (readsVariable || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const n = node as ASTNode;
    if (n.op === 'id') readsVariable = true;
    else walk(n.args);
  };
  walk(run.ast);
  if (readsVariable) return false;
  try {
    return run({}) === false;
  } catch {
    return false;
  }
}

// Refuters for the top-level conjuncts of a condition. CEL's && is false as soon as either side is false, even when
// the other side fails (false && error == false), so one certainly-false conjunct decides the whole condition.
// Recognised conjuncts, each read exactly as cel-js reads it (only plain values; anything else is left to CEL):
//   tool == "x", tool != "x", command.name == "x", command.name != "x", tool/command.name in ["x", ...],
//   has(input.f), size(input.f) > N, size(input.f) >= N (also input.f.size()): size counts code points, never
//   more than the string's UTF-16 length, so a string no longer than N cannot have a size above N.
function buildRefuter(root: ASTNode): Refuter | null {
  const conjuncts: ASTNode[] = [];
  const collect = (n: ASTNode): void => {
    if (n.op === '&&') {
      for (const side of n.args as ASTNode[]) collect(side);
    } else conjuncts.push(n);
  };
  collect(root);
  const tests = conjuncts.map(refuterFor).filter((t): t is Refuter => t !== null);
  if (tests.length === 0) return null;
  if (tests.length === 1) return tests[0] as Refuter;
  return (call, command) => {
    for (const t of tests) if (t(call, command)) return true;
    return false;
  };
}

type StringRead = (call: CallInput, command: SimpleCommand | undefined) => unknown;

// `tool` or `command.name` (the command of the unit; "" for a unit without one, as EMPTY_COMMAND).
function stringVariable(n: ASTNode): StringRead | null {
  if (n.op === 'id' && n.args === 'tool') return (call) => call.tool;
  if (n.op === '.' && isId(n.args, 'command', 'name'))
    return (_call, command) => (command ? command.name : '');
  return null;
}

function isId(args: unknown, variable: string, field?: string): boolean {
  const [obj, key] = args as [ASTNode, unknown];
  return obj.op === 'id' && obj.args === variable && (field === undefined || key === field);
}

// The field `input.f` when the node is exactly that, else undefined.
function inputField(n: ASTNode | undefined): string | undefined {
  if (!n || n.op !== '.' || !isId(n.args, 'input')) return undefined;
  const key = (n.args as [ASTNode, unknown])[1];
  return typeof key === 'string' ? key : undefined;
}

// The value cel-js reads for input.f: a map is a plain object (or one without prototype); own properties only.
function readInput(input: unknown, field: string): { map: boolean; value: unknown } {
  if (typeof input !== 'object' || input === null) return { map: false, value: undefined };
  const ctor = (input as { constructor?: unknown }).constructor;
  if (ctor !== undefined && ctor !== Object) return { map: false, value: undefined };
  return {
    map: true,
    value: Object.prototype.hasOwnProperty.call(input, field)
      ? (input as Record<string, unknown>)[field]
      : undefined,
  };
}

function stringLiteral(n: ASTNode | undefined): string | undefined {
  return n && n.op === 'value' && typeof n.args === 'string' ? n.args : undefined;
}

function refuterFor(n: ASTNode): Refuter | null {
  const args = n.args as ASTNode[];
  if (n.op === '==' || n.op === '!=') {
    const [l, r] = args;
    if (!l || !r) return null;
    let read = stringVariable(l);
    let lit = stringLiteral(r);
    if (!read) {
      read = stringVariable(r);
      lit = stringLiteral(l);
    }
    if (!read || lit === undefined) return null;
    const get = read;
    return n.op === '=='
      ? (call, command) => {
          const v = get(call, command);
          return typeof v === 'string' && v !== lit;
        }
      : (call, command) => get(call, command) === lit;
  }
  if (n.op === 'in') {
    const [l, r] = args;
    const read = l ? stringVariable(l) : null;
    if (!read || !r || r.op !== 'list') return null;
    const items = (r.args as ASTNode[]).map(stringLiteral);
    if (items.some((x) => x === undefined)) return null;
    const set = new Set(items as string[]);
    return (call, command) => {
      const v = read(call, command);
      return typeof v === 'string' && !set.has(v);
    };
  }
  if (n.op === 'call' && (n.args as [string, ASTNode[]])[0] === 'has') {
    const [, params] = n.args as [string, ASTNode[]];
    const field = params.length === 1 ? inputField(params[0]) : undefined;
    if (field === undefined) return null;
    return (call) => {
      const r = readInput(call.input, field);
      return r.map && r.value === undefined;
    };
  }
  if (n.op === '>' || n.op === '>=') {
    const [l, r] = args;
    if (!l || !r || r.op !== 'value' || typeof r.args !== 'bigint') return null;
    let field: string | undefined;
    if (l.op === 'call') {
      const [name, params] = l.args as [string, ASTNode[]];
      if (name === 'size' && params.length === 1) field = inputField(params[0]);
    } else if (l.op === 'rcall') {
      const [name, receiver, params] = l.args as [string, ASTNode, ASTNode[]];
      if (name === 'size' && params.length === 0) field = inputField(receiver);
    }
    if (field === undefined) return null;
    const n0 = r.args;
    const limit = n0 > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(n0);
    const strict = n.op === '>';
    return (call) => {
      const { value } = readInput(call.input, field);
      if (typeof value !== 'string') return false;
      return strict ? value.length <= limit : value.length < limit;
    };
  }
  return null;
}

/** The activation, built at most once per evaluation (only when a condition is reached). */
export type CelActivation = Record<string, unknown>;

const EMPTY_COMMAND = new CelCommand('', [], [], [], [], 0n, 0n, 0n, false, '');

// Converts one simple command into its typed CEL value (ints as BigInt).
function toCelCommand(c: SimpleCommand): CelCommand {
  const redirects = c.redirects.map((r) => new CelRedirect(r.op, BigInt(r.fd), r.target, r.dynamic));
  return new CelCommand(
    c.name,
    c.argv,
    c.assigns,
    c.via,
    redirects,
    BigInt(c.depth),
    BigInt(c.pipeline),
    BigInt(c.position),
    c.dynamic,
    c.text,
  );
}

// Builds the activation shared by all conditions of one evaluation.
export function buildActivation(call: CallInput): { base: CelActivation; commands: CelCommand[] } {
  const commands = (call.shell?.commands ?? []).map(toCelCommand);
  const base: CelActivation = {
    tool: call.tool,
    input: call.input,
    worker: call.worker,
    session: call.session,
    cwd: call.cwd,
    home: call.home,
    commands,
    command: EMPTY_COMMAND,
    paths: call.paths.map((p) => new CelPath(p.path, p.written, p.access, p.source, p.dynamic ?? '')),
    unknowns: (call.shell?.unknowns ?? []).map((u) => u.reason),
    agent: new CelAgent(call.agent?.id ?? '', call.agent?.type ?? ''),
    now: new Date(call.now),
  };
  return { base, commands };
}

// Runs a condition; a non-bool result counts as an error (the caller fails closed).
export function runCel(
  program: CelProgram,
  activation: CelActivation,
  unit: number | undefined,
  commands: CelCommand[],
): boolean {
  // The activation belongs to this one evaluation, so setting the current command in place is safe.
  activation['command'] = unit === undefined ? EMPTY_COMMAND : (commands[unit] ?? EMPTY_COMMAND);
  const v: unknown = program.run(activation);
  if (typeof v !== 'boolean') throw new Error(`condition returned ${typeof v}, not bool`);
  return v;
}

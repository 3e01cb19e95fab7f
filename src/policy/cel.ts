// CEL conditions: one typed environment, compile + type-check once, static size bounds, and the per-call activation.
import type { ParseError } from '@marcbachmann/cel-js';
import { Environment, type ASTNode, type ParseResult } from '@marcbachmann/cel-js';
import type { CallInput } from './types.js';
import type { SimpleCommand } from '../shell/types.js';
import { compileDecider, type Decider } from './cel-decide.js';
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
   * Decides the condition without cel-js when the parts it needs have forms read exactly in JavaScript (see
   * cel-decide.ts): TRUE or FALSE as cel-js would answer, else UNKNOWN; null when no part has such a form.
   */
  decide: Decider | null;
}

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
  return { program: { source, run, constantFalse: isConstantFalse(run), decide: compileDecider(run.ast) } };
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

// A three-valued pre-evaluation of CEL conditions: the forms that can be read exactly as cel-js reads them are decided
// in plain JavaScript (true or false), anything else is "unknown" and left to cel-js. Exactness is the rule: a form is
// decided only when cel-js would give that very answer (never when it would fail), which test/unit/policy checks
// against cel-js itself, for these forms and for every condition of the shipped policies.
//
// Decided forms (x is tool, command.name, or input.f when that is a string):
//   x == "s", x != "s", x in ["s", ...], x.startsWith("s"), x.endsWith("s"), x.contains("s"), has(input.f),
//   size(command.argv) or command.argv.size() compared with an int, command.argv.exists(a, P) where P uses only
//   a == "s", a in [...], a.startsWith/endsWith/contains("s"), true, false, !, && and ||;
//   size(input.f) > N and >= N are decided false when the string is no longer than N (size counts code points, never
//   more than the UTF-16 length), else unknown; && and || and ! combine as CEL does (false && error is false,
//   true || error is true), so one decided side can decide the whole.
import type { ASTNode } from '@marcbachmann/cel-js';
import type { SimpleCommand } from '../shell/types.js';
import type { CallInput } from './types.js';

export const FALSE = 0;
export const TRUE = 1;
export const UNKNOWN = 2;
export type Known = typeof FALSE | typeof TRUE | typeof UNKNOWN;

/** Decides a condition for one call and command (undefined: a unit without one, seen by CEL as an empty Command). */
export type Decider = (call: CallInput, command: SimpleCommand | undefined) => Known;

type Read = (call: CallInput, command: SimpleCommand | undefined) => string | undefined;
type Pred = (s: string) => boolean;

const NO_ARGV: readonly string[] = [];

// Compiles the decider of a condition, or null when no part of it has a decided form.
export function compileDecider(root: ASTNode): Decider | null {
  return decider(root);
}

function decider(n: ASTNode): Decider | null {
  switch (n.op) {
    case '&&':
    case '||': {
      const [l, r] = (n.args as ASTNode[]).map(decider);
      if (!l && !r) return null;
      const left = l ?? unknown;
      const right = r ?? unknown;
      // The value that decides the operator alone (false for &&, true for ||).
      const short = n.op === '&&' ? FALSE : TRUE;
      return (call, cmd) => {
        const a = left(call, cmd);
        if (a === short) return short;
        const b = right(call, cmd);
        if (b === short) return short;
        return a === UNKNOWN || b === UNKNOWN ? UNKNOWN : a;
      };
    }
    case '!_': {
      const inner = decider(n.args as ASTNode);
      if (!inner) return null;
      return (call, cmd) => {
        const v = inner(call, cmd);
        return v === UNKNOWN ? UNKNOWN : v === TRUE ? FALSE : TRUE;
      };
    }
    case 'value':
      return typeof n.args === 'boolean' ? constant(n.args) : null;
    case '==':
    case '!=':
    case 'in':
      return comparison(n);
    case 'call':
    case 'rcall':
      return callDecider(n);
    case '>':
    case '>=':
    case '<':
    case '<=':
      return sizeDecider(n);
    default:
      return null;
  }
}

const unknown: Decider = () => UNKNOWN;

function constant(v: boolean): Decider {
  const k = v ? TRUE : FALSE;
  return () => k;
}

function known(v: boolean): Known {
  return v ? TRUE : FALSE;
}

// x == "s", "s" == x, x != "s", x in ["s", ...].
function comparison(n: ASTNode): Decider | null {
  const [l, r] = n.args as [ASTNode, ASTNode];
  if (n.op === 'in') {
    const read = stringSource(l);
    const set = stringList(r);
    if (!read || !set) return null;
    return (call, cmd) => {
      const v = read(call, cmd);
      return v === undefined ? UNKNOWN : known(set.has(v));
    };
  }
  let read = stringSource(l);
  let lit = stringLiteral(r);
  if (!read) {
    read = stringSource(r);
    lit = stringLiteral(l);
  }
  if (!read || lit === undefined) return null;
  const get = read;
  const s = lit;
  const eq = n.op === '==';
  return (call, cmd) => {
    const v = get(call, cmd);
    return v === undefined ? UNKNOWN : known((v === s) === eq);
  };
}

function callDecider(n: ASTNode): Decider | null {
  if (n.op === 'call') {
    const [name, params] = n.args as [string, ASTNode[]];
    if (name !== 'has' || params.length !== 1) return null;
    const field = inputField(params[0]);
    if (field === undefined) return null;
    return (call) => {
      const input = inputMap(call.input);
      if (input === undefined) return UNKNOWN;
      const v = fieldOf(input, field);
      // A present value of a type cel-js does not know makes has() fail: left to CEL.
      return v === undefined ? FALSE : jsonValue(v) ? TRUE : UNKNOWN;
    };
  }
  const [name, receiver, params] = n.args as [string, ASTNode, ASTNode[]];
  if (name === 'exists' && isCommandArgv(receiver) && params.length === 2) {
    const [iter, body] = params as [ASTNode, ASTNode];
    if (iter.op !== 'id' || typeof iter.args !== 'string') return null;
    const pred = predicate(body, iter.args);
    if (!pred) return null;
    return (_call, cmd) => {
      const argv = cmd ? cmd.argv : NO_ARGV;
      if (!Array.isArray(argv)) return UNKNOWN;
      let found = false;
      for (const a of argv) {
        if (typeof a !== 'string') return UNKNOWN;
        if (!found && pred(a)) found = true;
      }
      return known(found);
    };
  }
  const op = stringMethod(name);
  const lit = params.length === 1 ? stringLiteral(params[0]) : undefined;
  const read = stringSource(receiver);
  if (!op || lit === undefined || !read) return null;
  return (call, cmd) => {
    const v = read(call, cmd);
    return v === undefined ? UNKNOWN : known(op(v, lit));
  };
}

// Element predicates of command.argv.exists(a, P): total on strings, so P never fails.
function predicate(n: ASTNode, v: string): Pred | null {
  switch (n.op) {
    case '&&':
    case '||': {
      const [l, r] = (n.args as ASTNode[]).map((x) => predicate(x, v));
      if (!l || !r) return null;
      return n.op === '&&' ? (s) => l(s) && r(s) : (s) => l(s) || r(s);
    }
    case '!_': {
      const inner = predicate(n.args as ASTNode, v);
      return inner ? (s) => !inner(s) : null;
    }
    case 'value':
      return typeof n.args === 'boolean' ? (n.args ? () => true : () => false) : null;
    case '==':
    case '!=': {
      const [l, r] = n.args as [ASTNode, ASTNode];
      const lit = isVar(l, v) ? stringLiteral(r) : isVar(r, v) ? stringLiteral(l) : undefined;
      if (lit === undefined) return null;
      return n.op === '==' ? (s) => s === lit : (s) => s !== lit;
    }
    case 'in': {
      const [l, r] = n.args as [ASTNode, ASTNode];
      const set = stringList(r);
      return isVar(l, v) && set ? (s) => set.has(s) : null;
    }
    case 'rcall': {
      const [name, receiver, params] = n.args as [string, ASTNode, ASTNode[]];
      const op = stringMethod(name);
      const lit = params.length === 1 ? stringLiteral(params[0]) : undefined;
      return op && lit !== undefined && isVar(receiver, v) ? (s) => op(s, lit) : null;
    }
    default:
      return null;
  }
}

// size(command.argv) <op> N (exact), size(input.f) > N or >= N (false when the string is no longer than N).
function sizeDecider(n: ASTNode): Decider | null {
  const [l, r] = n.args as [ASTNode, ASTNode];
  if (r.op !== 'value' || typeof r.args !== 'bigint') return null;
  const subject = sizeSubject(l);
  if (!subject) return null;
  const limit = r.args;
  const op = n.op;
  if (isCommandArgv(subject)) {
    return (_call, cmd) => {
      const argv = cmd ? cmd.argv : NO_ARGV;
      if (!Array.isArray(argv)) return UNKNOWN;
      const size = BigInt(argv.length);
      return known(
        op === '>' ? size > limit : op === '>=' ? size >= limit : op === '<' ? size < limit : size <= limit,
      );
    };
  }
  const field = inputField(subject);
  if (field === undefined || (op !== '>' && op !== '>=')) return null;
  const max = limit > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(limit);
  return (call) => {
    const input = inputMap(call.input);
    const v = input === undefined ? undefined : fieldOf(input, field);
    if (typeof v !== 'string') return UNKNOWN;
    return (op === '>' ? v.length <= max : v.length < max) ? FALSE : UNKNOWN;
  };
}

// The argument of size(x) or x.size().
function sizeSubject(n: ASTNode): ASTNode | undefined {
  if (n.op === 'call') {
    const [name, params] = n.args as [string, ASTNode[]];
    return name === 'size' && params.length === 1 ? params[0] : undefined;
  }
  if (n.op === 'rcall') {
    const [name, receiver, params] = n.args as [string, ASTNode, ASTNode[]];
    return name === 'size' && params.length === 0 ? receiver : undefined;
  }
  return undefined;
}

function stringMethod(name: string): ((s: string, lit: string) => boolean) | undefined {
  if (name === 'startsWith') return (s, lit) => s.startsWith(lit);
  if (name === 'endsWith') return (s, lit) => s.endsWith(lit);
  if (name === 'contains') return (s, lit) => s.includes(lit);
  return undefined;
}

// tool, command.name, or input.f; the reader returns undefined when the value is not a string (left to CEL).
function stringSource(n: ASTNode): Read | null {
  if (n.op === 'id' && n.args === 'tool')
    return (call) => (typeof call.tool === 'string' ? call.tool : undefined);
  if (n.op === '.') {
    const [obj, key] = n.args as [ASTNode, unknown];
    if (obj.op === 'id' && obj.args === 'command' && key === 'name')
      return (_call, cmd) => {
        const name = cmd ? cmd.name : '';
        return typeof name === 'string' ? name : undefined;
      };
  }
  const field = inputField(n);
  if (field === undefined) return null;
  return (call) => {
    const input = inputMap(call.input);
    const v = input === undefined ? undefined : fieldOf(input, field);
    return typeof v === 'string' ? v : undefined;
  };
}

function isCommandArgv(n: ASTNode): boolean {
  if (n.op !== '.') return false;
  const [obj, key] = n.args as [ASTNode, unknown];
  return obj.op === 'id' && obj.args === 'command' && key === 'argv';
}

function isVar(n: ASTNode, v: string): boolean {
  return n.op === 'id' && n.args === v;
}

// The field of `input.f`, else undefined.
function inputField(n: ASTNode | undefined): string | undefined {
  if (!n || n.op !== '.') return undefined;
  const [obj, key] = n.args as [ASTNode, unknown];
  return obj.op === 'id' && obj.args === 'input' && typeof key === 'string' ? key : undefined;
}

// `input` as cel-js sees a map: an object whose constructor is Object or absent (else CEL fails: left unknown).
function inputMap(input: unknown): Record<string, unknown> | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const ctor = (input as { constructor?: unknown }).constructor;
  return ctor === undefined || ctor === Object ? (input as Record<string, unknown>) : undefined;
}

// A map field as cel-js reads it: own properties only.
function fieldOf(input: Record<string, unknown>, field: string): unknown {
  return Object.prototype.hasOwnProperty.call(input, field) ? input[field] : undefined;
}

// A value as JSON gives it (cel-js reads each of these types).
function jsonValue(v: unknown): boolean {
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean' || v === null) return true;
  if (t !== 'object') return false;
  const ctor = (v as { constructor?: unknown }).constructor;
  return ctor === Object || ctor === Array || ctor === undefined;
}

function stringLiteral(n: ASTNode | undefined): string | undefined {
  return n && n.op === 'value' && typeof n.args === 'string' ? n.args : undefined;
}

// A list literal of strings only.
function stringList(n: ASTNode): Set<string> | undefined {
  if (n.op !== 'list') return undefined;
  const items = (n.args as ASTNode[]).map(stringLiteral);
  return items.every((x) => x !== undefined) ? new Set(items as string[]) : undefined;
}

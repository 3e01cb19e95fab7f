// Quote removal: turns a tree-sitter word node into the string the shell would pass, noting what is not static.
import type { SyntaxNode } from './tree.js';

/** One shell word after quote removal. */
export interface Word {
  /** The value after quote removal; expansions that cannot be known are kept as written (`$X`, `$(id)`). */
  value: string;
  /** True when the value holds an expansion that cannot be known statically. */
  dynamic: boolean;
  /** True when the value holds an unquoted glob or brace pattern (`*`, `?`, `[...]`, `{a,b}`). */
  glob: boolean;
  /** The node the word came from (undefined for words made up by the parser). */
  node?: SyntaxNode;
}

/** Variables whose value toolgate knows (the session's home); they stay as written and resolvePath expands them. */
const KNOWN_VARS = new Set(['HOME']);

/** Makes a static word (used for words the parser synthesises, e.g. from `env -S` or a split string). */
export function makeWord(value: string, dynamic = false): Word {
  return { value, dynamic, glob: false };
}

/** Evaluates a word-like node (word, string, raw_string, concatenation, expansion, ...) by quote removal. */
export function evaluateWord(node: SyntaxNode): Word {
  const w: Word = { value: '', dynamic: false, glob: false, node };
  appendNode(w, node);
  return w;
}

function appendNode(w: Word, node: SyntaxNode): void {
  switch (node.type) {
    case 'word':
    case 'command_name': {
      if (node.type === 'command_name' && node.namedChildCount > 0) {
        for (const c of node.namedChildren) if (c) appendNode(w, c);
        return;
      }
      const text = node.text;
      if (hasUnquotedGlob(text)) w.glob = true;
      w.value += unescapeBare(text);
      return;
    }
    case 'number':
    case 'variable_name':
    case 'test_operator':
    case 'file_descriptor':
      w.value += node.text;
      return;
    case 'raw_string':
      w.value += node.text.slice(1, -1);
      return;
    case 'ansi_c_string':
      w.value += decodeAnsiC(node.text.slice(2, -1));
      return;
    case 'string':
    case 'translated_string':
      appendDoubleQuoted(w, node);
      return;
    case 'concatenation':
      for (const c of node.children) if (c) appendNode(w, c);
      return;
    case 'simple_expansion':
    case 'expansion': {
      const name = node.namedChildren.find((c) => c?.type === 'variable_name')?.text;
      const plain = node.type === 'simple_expansion' || node.namedChildCount === 1;
      if (!(name && plain && KNOWN_VARS.has(name))) w.dynamic = true;
      w.value += node.text;
      return;
    }
    case 'brace_expression':
      w.glob = true;
      w.value += node.text;
      return;
    case 'extglob_pattern':
      w.glob = true;
      w.value += node.text;
      return;
    default:
      // command_substitution, process_substitution, arithmetic_expansion and anything unforeseen: not static.
      w.dynamic = true;
      w.value += node.text;
  }
}

function appendDoubleQuoted(w: Word, node: SyntaxNode): void {
  // Walk the source between the quotes; children mark expansions, the rest is literal with \-escapes.
  const start = node.startIndex;
  const text = node.text;
  const open = node.type === 'translated_string' ? 2 : 1;
  let pos = open;
  const end = text.length - 1;
  for (const c of node.namedChildren) {
    if (!c) continue;
    const cs = c.startIndex - start;
    const ce = c.endIndex - start;
    if (c.type === 'string_content') continue; // covered by the gaps below
    if (cs > pos) w.value += unescapeDouble(text.slice(pos, cs));
    const sub: Word = { value: '', dynamic: false, glob: false };
    appendNode(sub, c);
    w.value += sub.value;
    if (sub.dynamic) w.dynamic = true;
    pos = Math.max(pos, ce);
  }
  if (end > pos) w.value += unescapeDouble(text.slice(pos, end));
}

/** Removes backslash escapes from an unquoted word (`\r\m` -> `rm`; backslash-newline disappears). */
export function unescapeBare(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      const next = text[i + 1];
      i++;
      if (next !== '\n') out += next;
    } else out += ch;
  }
  return out;
}

/** Inside double quotes only \$ \` \" \\ and backslash-newline are escapes. */
function unescapeDouble(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const next = text[i + 1];
    if (ch === '\\' && next !== undefined && '$`"\\\n'.includes(next)) {
      i++;
      if (next !== '\n') out += next;
    } else out += ch;
  }
  return out;
}

function hasUnquotedGlob(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '*' || ch === '?' || ch === '[') return true;
  }
  return false;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** Decodes the body of a `$'...'` string (\xHH, \NNN octal, \uHHHH, \UHHHHHHHH, \cX and the letter escapes). */
export function decodeAnsiC(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\' || i + 1 >= body.length) {
      out += ch;
      continue;
    }
    const next = body[i + 1] as string;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const m =
      /^x([0-9a-fA-F]{1,2})/.exec(body.slice(i + 1)) ??
      /^u([0-9a-fA-F]{1,4})/.exec(body.slice(i + 1)) ??
      /^U([0-9a-fA-F]{1,8})/.exec(body.slice(i + 1));
    if (m?.[1]) {
      out += String.fromCodePoint(Math.min(parseInt(m[1], 16), 0x10ffff));
      i += m[0].length;
      continue;
    }
    const o = /^[0-7]{1,3}/.exec(body.slice(i + 1));
    if (o) {
      out += String.fromCharCode(parseInt(o[0], 8) & 0xff);
      i += o[0].length;
      continue;
    }
    if (next === 'c' && i + 2 < body.length) {
      out += String.fromCharCode((body.charCodeAt(i + 2) & 0x1f) >>> 0);
      i += 2;
      continue;
    }
    out += '\\' + next;
    i++;
  }
  return out;
}

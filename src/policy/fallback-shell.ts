// A small, conservative shell parser used only when src/shell is unavailable: simple commands, lists, pipes and
// plain redirections; anything else (substitutions, subshells, heredocs, bash -c) is reported as unknown.
import type { ParsedShell, PathAccess, PathRef, Redirect, SimpleCommand } from '../shell/types.js';

const WRAPPERS = new Set([
  'sudo',
  'env',
  'nice',
  'nohup',
  'time',
  'command',
  'exec',
  'timeout',
  'xargs',
  'doas',
]);
const NESTED = new Set(['bash', 'sh', 'zsh', 'dash', 'eval', 'source', '.']);
const DELETE = new Set(['rm', 'rmdir', 'shred', 'unlink']);
const WRITE = new Set(['touch', 'mkdir', 'tee', 'truncate', 'chmod', 'chown', 'chgrp']);
const COPY = new Set(['cp', 'mv', 'install', 'ln', 'rsync', 'scp']);
const READ = new Set([
  'cat',
  'head',
  'tail',
  'less',
  'more',
  'wc',
  'diff',
  'ls',
  'stat',
  'file',
  'sort',
  'uniq',
  'grep',
  'rg',
  'find',
]);

interface Token {
  kind: 'word' | 'op';
  text: string;
  dynamic: boolean;
}

// Parses shell text into simple commands, or reports what it cannot see through.
export function parseShellFallback(text: string): ParsedShell {
  const unknowns: ParsedShell['unknowns'] = [];
  if (
    /\$\(|`|<\(|>\(|<<|\$\{?[A-Za-z_]*\}?\s*\(/.test(text) ||
    /(^|[\s;&|])[({]/.test(text) ||
    /[)}](\s|;|$)/.test(text)
  ) {
    unknowns.push({
      reason: 'substitution, subshell, group or heredoc (not supported by the fallback parser)',
      text,
    });
  }
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (e) {
    return { commands: [], unknowns, error: (e as Error).message };
  }
  const commands: SimpleCommand[] = [];
  let current: Token[] = [];
  let pipeline = 0;
  let position = 0;
  const flush = () => {
    if (current.length) commands.push(buildCommand(current, pipeline, position, unknowns));
    current = [];
  };
  for (const t of tokens) {
    if (t.kind === 'op' && ['|', '|&'].includes(t.text)) {
      flush();
      position++;
    } else if (t.kind === 'op' && [';', '&&', '||', '&', '\n'].includes(t.text)) {
      flush();
      pipeline++;
      position = 0;
    } else current.push(t);
  }
  flush();
  return { commands, unknowns };
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const op = /^(\|\||&&|\|&|;;|[;&|\n]|&>>|&>|\d*>>|\d*>&\d*|\d*>\||\d*>|\d*<>|\d*<&|\d*<)/.exec(
      text.slice(i),
    );
    if (op && !(c >= '0' && c <= '9' && !/^\d+[<>]/.test(text.slice(i)))) {
      out.push({ kind: 'op', text: op[0], dynamic: false });
      i += op[0].length;
      continue;
    }
    let word = '';
    let dynamic = false;
    while (i < text.length && !/[\s;&|<>]/.test(text[i] as string)) {
      const ch = text[i] as string;
      if (ch === "'") {
        const end = text.indexOf("'", i + 1);
        if (end < 0) throw new Error('unterminated single quote');
        word += text.slice(i + 1, end);
        i = end + 1;
      } else if (ch === '"') {
        let j = i + 1;
        while (j < text.length && text[j] !== '"') {
          if (text[j] === '\\') j++;
          if (text[j] === '$' || text[j] === '`') dynamic = true;
          word += text[j] ?? '';
          j++;
        }
        if (j >= text.length) throw new Error('unterminated double quote');
        i = j + 1;
      } else if (ch === '\\') {
        word += text[i + 1] ?? '';
        i += 2;
      } else {
        if (ch === '$' || ch === '*' || ch === '?' || ch === '[') dynamic = true;
        word += ch;
        i++;
      }
    }
    out.push({ kind: 'word', text: word, dynamic });
  }
  return out;
}

function buildCommand(
  tokens: Token[],
  pipeline: number,
  position: number,
  unknowns: ParsedShell['unknowns'],
): SimpleCommand {
  const redirects: Redirect[] = [];
  const words: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'op') {
      const target = tokens[i + 1];
      i++;
      const fd = /^\d+/.exec(t.text)?.[0];
      redirects.push({
        op: t.text.replace(/^\d+/, ''),
        fd: fd ? Number(fd) : t.text.includes('<') ? 0 : 1,
        target: target?.text ?? '',
        dynamic: target?.dynamic ?? true,
      });
    } else words.push(t);
  }
  const assigns: string[] = [];
  while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]?.text ?? ''))
    assigns.push((words.shift() as Token).text);
  const via: string[] = [];
  while (words.length && WRAPPERS.has(baseName(words[0]?.text ?? ''))) {
    via.push(baseName((words.shift() as Token).text));
    while (
      words.length &&
      (/^-/.test(words[0]?.text ?? '') ||
        /=/.test(words[0]?.text ?? '') ||
        /^\d+[smhd]?$/.test(words[0]?.text ?? ''))
    )
      words.shift();
  }
  const argv = words.map((w) => w.text);
  const name = commandName(argv[0] ?? '');
  const text = tokens.map((t) => t.text).join(' ');
  if (NESTED.has(name) && argv.length > 1)
    unknowns.push({ reason: `${name} runs other shell text (not supported by the fallback parser)`, text });
  const dynamic = words.some((w) => w.dynamic);
  return {
    name,
    argv,
    assigns,
    redirects,
    paths: pathsOf(name, argv, redirects),
    via,
    depth: 0,
    pipeline,
    position,
    dynamic,
    text,
  };
}

function baseName(w: string): string {
  return w.slice(w.lastIndexOf('/') + 1);
}

function commandName(w: string): string {
  return baseName(w)
    .replace(/^\\/, '')
    .replace(/^(python|pip|node|ruby|perl|php)(\d+)(\.\d+)*$/, '$1$2')
    .replace(/^(python|pip)(\d)\d*$/, '$1$2');
}

function pathsOf(name: string, argv: string[], redirects: Redirect[]): PathRef[] {
  const refs: PathRef[] = [];
  for (const r of redirects) {
    if (r.op.includes('&') && /^\d*-?$/.test(r.target)) continue;
    const access: PathAccess = r.op.includes('>') ? 'write' : 'read';
    refs.push({ path: r.target, access, source: 'redirect' });
  }
  const operands = argv.slice(1).filter((a) => !a.startsWith('-'));
  operands.forEach((a, i) => {
    let access: PathAccess | undefined;
    if (DELETE.has(name)) access = 'delete';
    else if (WRITE.has(name)) access = 'write';
    else if (COPY.has(name)) access = i === operands.length - 1 ? 'write' : name === 'mv' ? 'delete' : 'read';
    else if (READ.has(name)) access = 'read';
    else if (name === 'sed' && argv.some((x) => x.startsWith('-i'))) access = 'write';
    else if (a.includes('/') || a.startsWith('.') || a.startsWith('~')) access = 'unknown';
    if (access) refs.push({ path: a, access, source: 'operand' });
  });
  return refs;
}

// Finds the file operands of a known command and how it uses them (read, write, delete).
import { hasOption, optionValue, splitOptions, type OptionSpec, type SplitArgs } from './options.js';
import type { PathAccess, PathRef } from './types.js';
import type { Word } from './words.js';

type Classifier = (args: Word[]) => PathRef[];

/** Device files that are not really files a policy cares about. */
const PSEUDO = /^\/dev\/(null|zero|stdin|stdout|stderr|tty|u?random|fd\/\d+)$/;

/** A path reference, or nothing for pseudo devices and empty words. */
export function makePathRef(w: Word, access: PathAccess, source: PathRef['source']): PathRef | undefined {
  if (w.value === '' || PSEUDO.test(w.value)) return undefined;
  const ref: PathRef = { path: w.value, access, source };
  if (w.dynamic || w.glob) ref.dynamic = true;
  return ref;
}

function refs(words: Word[], access: PathAccess): PathRef[] {
  const out: PathRef[] = [];
  for (const w of words) {
    const r = makePathRef(w, access, 'operand');
    if (r) out.push(r);
  }
  return out;
}

function all(access: PathAccess, spec: OptionSpec = {}): Classifier {
  return (args) => refs(splitOptions(args, spec).operands, access);
}

/** cp/mv/install/ln: the last operand (or -t DIR) is written, the others read (or deleted, for mv). */
function copyLike(sourceAccess: PathAccess, spec: OptionSpec): Classifier {
  return (args) => {
    const s = splitOptions(args, spec);
    const target = optionValue(s.options, 't', 'target-directory');
    if (target) return [...refs([target], 'write'), ...refs(s.operands, sourceAccess)];
    if (s.operands.length < 2) return refs(s.operands, 'write');
    return [...refs(s.operands.slice(0, -1), sourceAccess), ...refs(s.operands.slice(-1), 'write')];
  };
}

/** chmod/chown/chgrp: the first operand is the mode or owner (unless --reference), the rest are written. */
function modeLike(spec: OptionSpec): Classifier {
  return (args) => {
    const s = splitOptions(args, spec);
    const ops = optionValue(s.options, 'reference') ? s.operands : s.operands.slice(1);
    return refs(ops, 'write');
  };
}

/** grep/rg/sed and friends: the first operand is a pattern or script unless given by -e/-f. */
function patternFirst(
  spec: OptionSpec,
  patternOpts: string[],
  access: (s: SplitArgs) => PathAccess,
): Classifier {
  return (args) => {
    const s = splitOptions(args, spec);
    const ops = hasOption(s.options, ...patternOpts) ? s.operands : s.operands.slice(1);
    const extra = optionValue(s.options, 'f', 'file');
    return [...refs(ops, access(s)), ...(extra ? refs([extra], 'read') : [])];
  };
}

const GREP_SPEC: OptionSpec = {
  shortArg: 'efABCmdD',
  longArg: [
    'regexp',
    'file',
    'after-context',
    'before-context',
    'context',
    'max-count',
    'include',
    'exclude',
    'exclude-dir',
    'label',
    'color',
    'colour',
  ],
};
const RG_SPEC: OptionSpec = {
  shortArg: 'efABCmgtTMjE',
  longArg: [
    'regexp',
    'file',
    'glob',
    'type',
    'type-not',
    'max-count',
    'after-context',
    'before-context',
    'context',
    'threads',
    'max-depth',
    'encoding',
    'replace',
    'colors',
    'sort',
  ],
};

const READ_SPEC_HEAD: OptionSpec = { shortArg: 'nc', longArg: ['lines', 'bytes'] };

/** dd: if= is read, of= is written. */
const classifyDd: Classifier = (args) => {
  const out: PathRef[] = [];
  for (const w of args) {
    const m = /^(if|of)=(.*)$/s.exec(w.value);
    if (!m) continue;
    const r = makePathRef({ ...w, value: m[2] as string }, m[1] === 'if' ? 'read' : 'write', 'operand');
    if (r) out.push(r);
  }
  return out;
};

/** find: start points are read, or deleted with -delete; -fprint FILE is written. */
const classifyFind: Classifier = (args) => {
  const starts: Word[] = [];
  let i = 0;
  while (i < args.length && ['-H', '-L', '-P'].includes((args[i] as Word).value)) i++;
  for (; i < args.length; i++) {
    const v = (args[i] as Word).value;
    if (v.startsWith('-') || v === '(' || v === '!') break;
    starts.push(args[i] as Word);
  }
  if (starts.length === 0) starts.push({ value: '.', dynamic: false, glob: false });
  const rest = args.slice(i).map((w) => w.value);
  const out = refs(starts, rest.includes('-delete') ? 'delete' : 'read');
  for (let j = 0; j < args.length - 1; j++) {
    if (['-fprint', '-fprint0', '-fprintf', '-fls'].includes((args[j] as Word).value)) {
      out.push(...refs([args[j + 1] as Word], 'write'));
    }
  }
  return out;
};

/** sed: files are written with -i, read otherwise. */
const classifySed = patternFirst(
  { shortArg: 'efl', longArg: ['expression', 'file', 'line-length'], shortOptionalArg: 'i' },
  ['e', 'f', 'expression', 'file'],
  (s) => (hasOption(s.options, 'i', 'in-place') ? 'write' : 'read'),
);

/** curl -o FILE / wget -O FILE write a file. */
function outputOption(spec: OptionSpec, names: string[]): Classifier {
  return (args) => {
    const s = splitOptions(args, spec);
    const out: PathRef[] = [];
    for (const o of s.options) if (names.includes(o.name) && o.value) out.push(...refs([o.value], 'write'));
    return out;
  };
}

/** Options of curl whose value can name a file it reads and sends: `@file` (`-d @f`, `-H @f`, `--url-query @f`,
 * `-F name=@f` or `name=<f`), or the file itself (`-T f`, `-K f`). */
const CURL_READS = new Set([
  'd',
  'data',
  'data-binary',
  'data-urlencode',
  'data-ascii',
  'json',
  'H',
  'header',
  'url-query',
  'F',
  'form',
]);
const CURL_FILES = new Set(['T', 'upload-file', 'K', 'config']);

/** curl: `-o FILE` is written; the files it reads to send are read (so a secret sent is a secret read). */
function classifyCurl(spec: OptionSpec): Classifier {
  const output = outputOption(spec, ['o', 'output']);
  return (args) => {
    const out = output(args);
    for (const o of splitOptions(args, spec).options) {
      if (!o.value) continue;
      if (CURL_FILES.has(o.name) && o.value.value !== '-') out.push(...refs([o.value], 'read'));
      else if (CURL_READS.has(o.name)) {
        const v = o.value.value;
        // -H/-d/--json: @file; -F: name=@file or name=<file; --url-query/--data-urlencode: also name@file.
        const m =
          /^@(.+)$/.exec(v) ??
          (o.name === 'F' || o.name === 'form' ? /^[^=]*=[@<]([^;]+)/.exec(v) : null) ??
          (o.name === 'url-query' || o.name === 'data-urlencode' ? /^[^=@]*@(.+)$/.exec(v) : null);
        const file = m?.[1];
        if (file && file !== '-') out.push(...refs([{ ...o.value, value: file }], 'read'));
      }
    }
    return out;
  };
}

/** rsync/scp: the last operand is written (deleted too with --delete); local sources are read. */
const classifyCopyRemote =
  (spec: OptionSpec): Classifier =>
  (args) => {
    const s = splitOptions(args, spec);
    const local = s.operands.filter((w) => !/^[^/]*:/.test(w.value));
    if (s.operands.length < 2) return refs(local, 'read');
    const target = s.operands[s.operands.length - 1] as Word;
    const del = s.options.some((o) => o.name.startsWith('delete'));
    const out = refs(
      local.filter((w) => w !== target),
      'read',
    );
    if (local.includes(target)) out.push(...refs([target], del ? 'delete' : 'write'));
    return out;
  };

/** Commands whose arguments are text, names or numbers, never files they open. */
const noPaths: Classifier = () => [];

const CLASSIFIERS: Record<string, Classifier> = {
  echo: noPaths,
  printf: noPaths,
  basename: noPaths,
  dirname: noPaths,
  which: noPaths,
  type: noPaths,
  whereis: noPaths,
  date: noPaths,
  sleep: noPaths,
  seq: noPaths,
  expr: noPaths,
  true: noPaths,
  false: noPaths,
  ls: all('read', {
    shortArg: 'IwT',
    longArg: [
      'ignore',
      'hide',
      'width',
      'tabsize',
      'format',
      'sort',
      'time',
      'time-style',
      'color',
      'indicator-style',
      'quoting-style',
      'block-size',
    ],
  }),
  dir: all('read'),
  tree: all('read', { shortArg: 'LPIo', longArg: ['filelimit', 'timefmt', 'charset'] }),
  du: all('read', {
    shortArg: 'dBt',
    longArg: ['max-depth', 'block-size', 'threshold', 'exclude', 'time-style'],
  }),
  readlink: all('read'),
  realpath: all('read', { longArg: ['relative-to', 'relative-base'] }),
  test: all('read'),
  '[': all('read'),
  rm: all('delete'),
  unlink: all('delete'),
  rmdir: all('delete'),
  shred: all('delete', { shortArg: 'ns', longArg: ['iterations', 'size', 'random-source'] }),
  cp: copyLike('read', {
    shortArg: 'tS',
    longArg: ['target-directory', 'suffix', 'backup', 'reflink', 'sparse', 'preserve'],
  }),
  mv: copyLike('delete', { shortArg: 'tS', longArg: ['target-directory', 'suffix', 'backup'] }),
  install: copyLike('read', {
    shortArg: 'tSmogb',
    longArg: ['target-directory', 'suffix', 'mode', 'owner', 'group'],
  }),
  ln: copyLike('read', { shortArg: 'tS', longArg: ['target-directory', 'suffix'] }),
  tee: all('write'),
  touch: all('write', { shortArg: 'drt', longArg: ['date', 'reference'] }),
  truncate: all('write', { shortArg: 'sr', longArg: ['size', 'reference'] }),
  mkdir: all('write', { shortArg: 'mZ', longArg: ['mode', 'context'] }),
  mkfifo: all('write', { shortArg: 'm', longArg: ['mode'] }),
  chmod: modeLike({ longArg: ['reference'] }),
  chown: modeLike({ longArg: ['reference', 'from'] }),
  chgrp: modeLike({ longArg: ['reference'] }),
  dd: classifyDd,
  sed: classifySed,
  find: classifyFind,
  cat: all('read'),
  tac: all('read'),
  nl: all('read'),
  less: all('read'),
  more: all('read'),
  head: all('read', READ_SPEC_HEAD),
  tail: all('read', READ_SPEC_HEAD),
  wc: all('read'),
  file: all('read'),
  stat: all('read', { shortArg: 'c', longArg: ['format', 'printf'] }),
  md5sum: all('read'),
  sha1sum: all('read'),
  sha256sum: all('read'),
  sha512sum: all('read'),
  strings: all('read'),
  xxd: all('read'),
  od: all('read'),
  hexdump: all('read'),
  base64: all('read', { shortArg: 'w', longArg: ['wrap'] }),
  diff: all('read'),
  cmp: all('read'),
  sort: (args) => {
    const s = splitOptions(args, { shortArg: 'okt', longArg: ['output', 'key', 'field-separator'] });
    const o = optionValue(s.options, 'o', 'output');
    return [...refs(s.operands, 'read'), ...(o ? refs([o], 'write') : [])];
  },
  uniq: all('read'),
  cut: all('read', { shortArg: 'bcdf', longArg: ['bytes', 'characters', 'delimiter', 'fields'] }),
  source: (args) => refs(args.slice(0, 1), 'read'),
  '.': (args) => refs(args.slice(0, 1), 'read'),
  grep: patternFirst(GREP_SPEC, ['e', 'f', 'regexp', 'file'], () => 'read'),
  egrep: patternFirst(GREP_SPEC, ['e', 'f', 'regexp', 'file'], () => 'read'),
  fgrep: patternFirst(GREP_SPEC, ['e', 'f', 'regexp', 'file'], () => 'read'),
  rg: patternFirst(RG_SPEC, ['e', 'f', 'regexp', 'file'], () => 'read'),
  curl: classifyCurl({
    shortArg: 'oXHdFuAeEKrTwxyz',
    longArg: [
      'output',
      'request',
      'header',
      'data',
      'data-raw',
      'data-binary',
      'data-urlencode',
      'data-ascii',
      'json',
      'url-query',
      'form',
      'user',
      'user-agent',
      'cookie',
      'config',
      'upload-file',
      'write-out',
      'proxy',
    ],
  }),
  wget: outputOption(
    {
      shortArg: 'OoaPtTUe',
      longArg: ['output-document', 'output-file', 'directory-prefix', 'tries', 'timeout', 'user-agent'],
    },
    ['O', 'output-document'],
  ),
  rsync: classifyCopyRemote({
    shortArg: 'eBfT',
    longArg: [
      'rsh',
      'exclude',
      'include',
      'filter',
      'exclude-from',
      'include-from',
      'files-from',
      'temp-dir',
      'chmod',
      'chown',
    ],
  }),
  scp: classifyCopyRemote({ shortArg: 'cFiJloPS', longArg: [] }),
};

/** True when the command's operands are classified by this module. */
export function knowsOperands(name: string): boolean {
  return Object.hasOwn(CLASSIFIERS, name);
}

/** Words that look like file paths (contain a slash, or start with ~ . or $HOME), for commands we do not know. */
function looksLikePath(w: Word): boolean {
  const v = w.value;
  if (v.startsWith('-')) {
    const eq = v.indexOf('=');
    return eq > 0 && looksLikePath({ ...w, value: v.slice(eq + 1) });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return false;
  if (/\s/.test(v)) return false;
  return (
    v.includes('/') ||
    v.startsWith('~') ||
    v === '.' ||
    v === '..' ||
    v.startsWith('$HOME') ||
    v.startsWith('${HOME}')
  );
}

/** The file operands of `name` with their access; unknown commands give path-like words with access `unknown`. */
export function classifyOperands(name: string, args: Word[]): PathRef[] {
  const c = CLASSIFIERS[name];
  if (c) return c(args);
  const out: PathRef[] = [];
  for (const w of args) {
    if (!looksLikePath(w)) continue;
    const eq = w.value.startsWith('-') ? w.value.indexOf('=') : -1;
    const r = makePathRef(eq > 0 ? { ...w, value: w.value.slice(eq + 1) } : w, 'unknown', 'operand');
    if (r) out.push(r);
  }
  return out;
}

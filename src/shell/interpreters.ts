// Judges interpreter one-liners (python -c, node -e, perl -e, ruby -e, php -r, lua -e, awk): plain effects or Unknowns.
import { Script } from 'node:vm';
import { makePathRef } from './operands.js';
import type { PathAccess, PathRef } from './types.js';
import { makeWord, type Word } from './words.js';

/** What an interpreter one-liner was found to do. */
export interface InterpreterFindings {
  /** Label for `via` on commands found inside the code, e.g. "python3 -c". */
  via: string;
  /** Reasons the code could not be judged (network, dynamic code, calls not understood). */
  unknowns: string[];
  /** Files the code plainly touches. */
  paths: PathRef[];
  /** Shell text the code plainly runs (subprocess/system with a literal): parsed as shell by the caller. */
  shellTexts: string[];
}

type Lang = 'python' | 'node' | 'perl' | 'ruby' | 'php' | 'lua' | 'awk';

const LANG_OF: [RegExp, Lang][] = [
  [/^(python[23]?|pypy[23]?)$/, 'python'],
  [/^(node|nodejs|bun|deno)$/, 'node'],
  [/^perl5?$/, 'perl'],
  [/^ruby[23]?$/, 'ruby'],
  [/^php[5-8]?$/, 'php'],
  [/^(lua|luajit|lua5)$/, 'lua'],
  [/^(awk|gawk|mawk|nawk)$/, 'awk'],
];

function langOf(name: string): Lang | undefined {
  return LANG_OF.find(([re]) => re.test(name))?.[1];
}

/** True for the interpreters whose inline code this module reads. */
export function isInterpreter(name: string): boolean {
  return langOf(name) !== undefined;
}

/** Where the code comes from, and the operands after it. */
interface CodeSource {
  code?: string;
  flag?: string;
  operands: Word[];
  inPlace: boolean;
  /** The interpreter runs a module or a script file: nothing inline to judge. */
  runsFile: boolean;
}

const CODE_FLAG: Record<Lang, string> = {
  python: 'c',
  node: 'e',
  perl: 'e',
  ruby: 'e',
  php: 'r',
  lua: 'e',
  awk: '',
};
const ARG_FLAGS: Record<Lang, string> = {
  python: 'mWXQ',
  node: 'r',
  perl: 'IMm',
  ruby: 'IrECF',
  php: 'cdfz',
  lua: 'l',
  awk: 'vFf',
};

function findCode(lang: Lang, args: Word[]): CodeSource {
  const codes: string[] = [];
  let flag: string | undefined;
  let inPlace = false;
  let runsFile = false;
  let i = 0;
  for (; i < args.length; i++) {
    const v = (args[i] as Word).value;
    if (v === '--') {
      i++;
      break;
    }
    if (lang === 'node' && ['--eval', '--print', '-p'].includes(v)) {
      codes.push((args[++i] as Word | undefined)?.value ?? '');
      flag = v;
      continue;
    }
    if (lang === 'node' && v === 'eval' && i === 0) {
      codes.push(
        args
          .slice(1)
          .map((w) => w.value)
          .join(' '),
      );
      flag = 'eval';
      i = args.length;
      break;
    }
    if (lang === 'awk' && (v === '-i' || v === '--include')) {
      if ((args[i + 1] as Word | undefined)?.value === 'inplace') inPlace = true;
      i++;
      continue;
    }
    if (!v.startsWith('-') || v === '-') break;
    if (v.startsWith('--')) continue;
    for (let j = 1; j < v.length; j++) {
      const letter = v[j] as string;
      if (letter === CODE_FLAG[lang] || (lang === 'perl' && letter === 'E')) {
        const rest = v.slice(j + 1);
        codes.push(rest || ((args[++i] as Word | undefined)?.value ?? ''));
        flag = `-${letter}`;
        break;
      }
      if ((lang === 'perl' || lang === 'ruby') && letter === 'i') {
        inPlace = true;
        break; // -i.bak: the rest is a suffix
      }
      if (lang === 'python' && letter === 'm') runsFile = true;
      if (lang === 'awk' && letter === 'f') runsFile = true;
      if (ARG_FLAGS[lang].includes(letter)) {
        if (j === v.length - 1) i++;
        break;
      }
    }
    if (runsFile && lang === 'python') break;
  }
  const operands = args.slice(i);
  if (lang === 'awk' && codes.length === 0 && !runsFile && operands[0]) {
    return { code: operands[0].value, flag: 'program', operands: operands.slice(1), inPlace, runsFile };
  }
  if (codes.length === 0 && operands.length > 0 && operands[0]?.value !== '-') runsFile = true;
  return { code: codes.length ? codes.join('\n') : undefined, flag, operands, inPlace, runsFile };
}

/** Judges one interpreter invocation: its inline code, or code it reads from a heredoc or a pipe. */
export function analyzeInterpreter(
  name: string,
  args: Word[],
  stdin: { text: string; dynamic: boolean } | 'pipe' | undefined,
): InterpreterFindings {
  const lang = langOf(name) as Lang;
  const src = findCode(lang, args);
  const f: InterpreterFindings = {
    via: `${name} ${src.flag ?? 'stdin'}`,
    unknowns: [],
    paths: [],
    shellTexts: [],
  };
  if ((lang === 'perl' || lang === 'ruby' || lang === 'awk') && !src.runsFile) {
    const access: PathAccess = src.inPlace ? 'write' : 'read';
    for (const w of src.operands) {
      const r = makePathRef(w, access, 'operand');
      if (r) f.paths.push(r);
    }
  }
  const script = src.operands[0];
  if (
    src.runsFile &&
    script &&
    lang !== 'awk' &&
    !(lang === 'python' && args.some((w) => w.value.startsWith('-m')))
  ) {
    const r = makePathRef(script, 'exec', 'operand');
    if (r) f.paths.push(r);
  }
  let code = src.code;
  if (code === undefined && !src.runsFile && lang !== 'awk') {
    if (stdin === 'pipe') {
      f.unknowns.push(`code piped to ${name} cannot be known statically`);
      return f;
    }
    if (stdin) code = stdin.text;
  }
  if (code === undefined) return f;
  if (src.code !== undefined && args.some((w) => w.dynamic && w.value === code)) {
    f.unknowns.push(`${name} code comes from an expansion`);
    return f;
  }
  JUDGES[lang](code, name, f);
  return f;
}

// ---- string literals ------------------------------------------------------------------------------------------------

interface Literal {
  value: string;
  dynamic: boolean;
}

/**
 * Replaces string literals with `__S<n>__` tokens so calls can be read without being fooled by quoted text. The code
 * inside interpolations (`f"{...}"`, `` `${...}` ``) is code: it is masked the same way and appended on lines of its
 * own, so every check below sees it.
 */
function maskStrings(code: string, templates: boolean): { masked: string; lits: Literal[] } {
  const lits: Literal[] = [];
  const extra: string[] = [];
  const maskOnce = (text: string, depth: number): string => {
    const re = templates
      ? /([rRbBuUfF]{0,2})('''[\s\S]*?'''|"""[\s\S]*?"""|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`)/g
      : /([rRbBuUfF]{0,2})('''[\s\S]*?'''|"""[\s\S]*?"""|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")/g;
    return text.replace(re, (_m, prefix: string, body: string) => {
      const q = body.startsWith("'''") || body.startsWith('"""') ? 3 : 1;
      const inner = body.slice(q, -q);
      const fstring = !templates && /f/i.test(prefix);
      const template = body.startsWith('`');
      const dynamic = fstring ? /\{[^}]*\}/.test(inner) : template ? inner.includes('${') : false;
      lits.push({ value: inner.replace(/\\(["'\\`])/g, '$1').replace(/\\n/g, '\n'), dynamic });
      const token = `${prefix.replace(/[fF]/g, '')}__S${lits.length - 1}__`;
      if (dynamic) {
        const parts = interpolations(inner, template);
        // Deeper nesting than this is not read: it is reported as code that cannot be known.
        if (depth >= 4 && parts.length) extra.push('__too_deep__()');
        else for (const part of parts) extra.push(maskOnce(part, depth + 1));
      }
      return token;
    });
  };
  const masked = maskOnce(code, 0);
  return { masked: extra.length ? `${masked}\n${extra.join('\n')}` : masked, lits };
}

/** The code inside `{...}` (f-strings, `{{` escaped) or `${...}` (template literals). */
function interpolations(inner: string, template: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < inner.length; i++) {
    if (template ? inner[i] === '\\' : inner.startsWith('{{', i)) {
      i++;
      continue;
    }
    const open = template ? inner.startsWith('${', i) : inner[i] === '{';
    if (!open) continue;
    const start = i + (template ? 2 : 1);
    let depth = 0;
    let j = start;
    for (; j < inner.length; j++) {
      const ch = inner[j] as string;
      if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) {
        if (depth === 0) break;
        depth--;
      }
    }
    out.push(inner.slice(start, j));
    i = j;
  }
  return out;
}

function literalAt(arg: string | undefined, lits: Literal[]): Literal | undefined {
  const m = /^\s*(?:[rRbBuU]{0,2})__S(\d+)__\s*$/.exec(arg ?? '');
  return m ? lits[Number(m[1])] : undefined;
}

/** Splits a call's argument text at top-level commas. */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) {
      if (depth === 0) break;
      depth--;
    }
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/** A literal list of string literals (`['rm', '-rf', 'x']`) as argv, else undefined. */
function literalList(arg: string | undefined, lits: Literal[]): string[] | undefined {
  const m = /^\s*[[(]([\s\S]*)[\])]\s*$/.exec(arg ?? '');
  if (!m) return undefined;
  const items = splitArgs(m[1] as string).filter((s) => s !== '');
  const values: string[] = [];
  for (const it of items) {
    const l = literalAt(it, lits);
    if (!l || l.dynamic) return undefined;
    values.push(l.value);
  }
  return values;
}

/** Quotes argv for re-parsing as shell text. */
function quoteArgv(argv: string[]): string {
  return argv
    .map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

interface Call {
  callee: string;
  args: string[];
}

/** Calls in masked code: `a.b.c(args)`; `obj.method(` with a non-identifier receiver gives `.method`. */
function findCalls(masked: string): Call[] {
  const calls: Call[] = [];
  const re = /(\.?\s*[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\(/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(masked))) {
    const callee = (m[1] as string).replace(/\s+/g, '');
    const argText = masked.slice(m.index + m[0].length);
    calls.push({ callee, args: splitArgs(argText) });
  }
  return calls;
}

// ---- names used other than by a plain call ----------------------------------------------------------------------------

/** One use of a watched name: the dotted chain starting at it and what surrounds it. */
interface NameUse {
  /** The chain as written, spaces removed: `os.environ`, `cp.execSync`. */
  chain: string;
  /** The first character after the chain (spaces skipped), '' at the end; `after` is the first two. */
  next: string;
  after: string;
  /** The text right after the chain (spaces skipped), enough to read a literal argument: `(__S0__)`. */
  tail: string;
  /** The last character before the chain (spaces skipped), '' at the start. */
  prev: string;
}

/** Uses of the names `watched` accepts, skipping members of other objects (`x.os`). */
function nameUses(text: string, watched: (head: string) => boolean): NameUse[] {
  const uses: NameUse[] = [];
  const re = /[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const chain = m[0].replace(/\s+/g, '');
    if (!watched(chain.split('.')[0] as string)) continue;
    let b = m.index - 1;
    while (b >= 0 && /\s/.test(text[b] as string)) b--;
    const prev = b >= 0 ? (text[b] as string) : '';
    if (/[\w$]/.test(prev) && b === m.index - 1) continue;
    if (prev === '.' && text.slice(Math.max(0, b - 2), b + 1) !== '...') continue;
    let a = m.index + m[0].length;
    while (a < text.length && /\s/.test(text[a] as string)) a++;
    uses.push({ chain, next: text[a] ?? '', after: text.slice(a, a + 2), tail: text.slice(a, a + 24), prev });
  }
  return uses;
}

/** Variable names that hold secrets (the shell's secret-variables rule uses the same words). */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASS|CREDENTIAL|AUTH|COOKIE|SESSION|[Kk]ey|[Tt]oken|[Ss]ecret|[Pp]ass/;

/** The environment holds the API keys: code that reads it is reported under this one reason, which the policy denies. */
function envRead(f: InterpreterFindings, name: string, what: string): void {
  const reason = `${name} code reads the environment (${what}), which holds secrets`;
  if (!f.unknowns.includes(reason)) f.unknowns.push(reason);
}

/** A module that can run, delete, write or fetch, reached other than by calling a plain member: dynamic code. */
function dynamicUse(f: InterpreterFindings, name: string, chain: string, next: string): void {
  const how = next === '[' ? 'indexes' : 'passes on';
  const reason = `${name} code ${how} ${chain} instead of calling a plain member: dynamic code that cannot be known statically`;
  if (!f.unknowns.includes(reason)) f.unknowns.push(reason);
}

// ---- effect tables --------------------------------------------------------------------------------------------------

type Effect =
  | { kind: 'safe' }
  /** `recursive`: the call deletes a whole tree (always, or when its options say so), judged as `rm -rf` would be. */
  | { kind: 'path'; access: PathAccess; arg: number; second?: PathAccess; recursive?: 'always' | 'option' }
  | { kind: 'exec'; list?: boolean }
  | { kind: 'fetch' }
  | { kind: 'dynamic' }
  | { kind: 'open' };

function addPath(f: InterpreterFindings, lit: Literal | undefined, access: PathAccess, what: string): void {
  if (!lit || lit.dynamic) {
    f.unknowns.push(`${what} on a path that cannot be known statically`);
    return;
  }
  const r = makePathRef(makeWord(lit.value), access, 'operand');
  if (r) f.paths.push(r);
}

function applyEffect(
  f: InterpreterFindings,
  name: string,
  call: Call,
  effect: Effect | undefined,
  lits: Literal[],
): void {
  if (!effect) {
    f.unknowns.push(`${name} code calls ${call.callee}, which toolgate does not understand`);
    return;
  }
  switch (effect.kind) {
    case 'safe':
      return;
    case 'path': {
      const target = literalAt(call.args[effect.arg], lits);
      addPath(f, target, effect.access, `${name} ${call.callee}`);
      if (target && !target.dynamic && recursiveDelete(effect.recursive, call.args[effect.arg + 1]))
        f.shellTexts.push(quoteArgv(['rm', '-rf', '--', target.value]));
      if (effect.second)
        addPath(f, literalAt(call.args[effect.arg + 1], lits), effect.second, `${name} ${call.callee}`);
      return;
    }
    case 'open': {
      const mode = literalAt(call.args[1], lits)?.value ?? 'r';
      addPath(
        f,
        literalAt(call.args[0], lits),
        /[wax+]/.test(mode) ? 'write' : 'read',
        `${name} ${call.callee}`,
      );
      return;
    }
    case 'exec': {
      const lit = literalAt(call.args[0], lits);
      if (lit && !lit.dynamic) {
        const list = literalList(call.args[1], lits);
        f.shellTexts.push(effect.list && list ? quoteArgv([lit.value, ...list]) : lit.value);
        return;
      }
      const argv = literalList(call.args[0], lits);
      if (argv && argv.length > 0) {
        f.shellTexts.push(quoteArgv(argv));
        return;
      }
      f.unknowns.push(`${name} code runs a command that cannot be known statically (${call.callee})`);
      return;
    }
    case 'fetch':
      f.unknowns.push(`${name} code reaches the network (${call.callee})`);
      return;
    case 'dynamic':
      f.unknowns.push(`${name} code runs dynamic code (${call.callee})`);
  }
}

/** A tree delete (`shutil.rmtree`, `fs.rmSync(p, {recursive: true})`): options that are not a plain literal count. */
function recursiveDelete(recursive: 'always' | 'option' | undefined, options: string | undefined): boolean {
  if (recursive === 'always') return true;
  if (recursive !== 'option' || options === undefined || options === '') return false;
  return !/^\{[^{}]*\}$/.test(options) || /\brecursive\s*:\s*(?!false\b|0\b)/.test(options);
}

const SAFE_METHODS = new Set(
  (
    'strip lstrip rstrip split rsplit join items keys values get format upper lower replace startswith endswith append ' +
    'extend pop insert count index find rfind encode decode read readline readlines splitlines title capitalize isdigit ' +
    'isalpha isalnum zfill ljust rjust center group groups match search findall finditer sub fullmatch compile dumps loads ' +
    'load dump exists is_file is_dir resolve absolute iterdir glob rglob read_text read_bytes stat sort copy update ' +
    'setdefault hexdigest digest now today strftime strptime isoformat total_seconds close flush write print log error ' +
    'warn info debug map filter reduce forEach toString toFixed slice substring substr includes indexOf push padStart ' +
    'padEnd trim trimStart trimEnd then catch finally some every concat charAt charCodeAt toUpperCase toLowerCase ' +
    'localeCompare entries fromEntries assign freeze keys stringify parse floor ceil round random abs max min pow sqrt ' +
    'exit cwd hrtime uptime memoryUsage isArray from of has add delete set clear size getTime toISOString valueOf json ' +
    'lower casefold partition rpartition expandtabs translate maketrans most_common Counter defaultdict OrderedDict ' +
    'namedtuple deque sum mean median stdev version python_version system_info platform machine node release'
  ).split(/\s+/),
);

const PY_BUILTINS = new Set(
  (
    'print len str int float bool list dict set frozenset tuple range enumerate zip sorted reversed min max sum abs ' +
    'round repr format isinstance issubclass type hash id hex oct bin chr ord any all map filter iter next divmod pow ' +
    'bytes bytearray callable super object property staticmethod classmethod slice complex ascii sorted help dir'
  ).split(/\s+/),
);

const PY_SAFE_MODULES =
  /^(json|math|re|datetime|time|random|string|textwrap|itertools|collections|functools|statistics|decimal|fractions|uuid|hashlib|struct|shlex|pprint|platform|calendar|operator|copy|enum|typing|dataclasses|secrets|base64\.b64encode|binascii\.hexlify|unicodedata|locale|sysconfig|keyword|difflib|html\.escape|ast\.literal_eval|importlib\.metadata|os\.path|os\.getcwd|os\.getpid|os\.cpu_count|os\.listdir|os\.walk|os\.scandir|os\.stat|os\.lstat|os\.access|os\.uname|os\.get_terminal_size|sys\.exit|sys\.stdout|sys\.stderr|sys\.getsizeof|sys\.getrecursionlimit|glob\.glob|glob\.iglob|fnmatch|pathlib\.Path|Path|PurePath|site\.getsitepackages|shutil\.which|shutil\.disk_usage|shutil\.get_terminal_size)(\.|$)/;

const PY_EFFECTS: [RegExp, Effect][] = [
  // Reading a variable changes nothing; whether it reveals a secret is judged by pythonReach (environment reads).
  [/^(os|posix)\.(environ\.get|getenv)$/, { kind: 'safe' }],
  [/^os\.(remove|unlink|rmdir|removedirs)$/, { kind: 'path', access: 'delete', arg: 0 }],
  [/^shutil\.rmtree$/, { kind: 'path', access: 'delete', arg: 0, recursive: 'always' }],
  [
    /^(os\.(rename|renames|replace)|shutil\.move)$/,
    { kind: 'path', access: 'delete', arg: 0, second: 'write' },
  ],
  [
    /^shutil\.(copy|copy2|copyfile|copytree|copymode|copystat)$/,
    { kind: 'path', access: 'read', arg: 0, second: 'write' },
  ],
  [
    /^os\.(makedirs|mkdir|chmod|chown|lchown|utime|truncate|mkfifo|mknod)$/,
    { kind: 'path', access: 'write', arg: 0 },
  ],
  [/^os\.(symlink|link)$/, { kind: 'path', access: 'read', arg: 0, second: 'write' }],
  [/^(io\.)?open$/, { kind: 'open' }],
  [
    /^(subprocess\.(run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|os\.(system|popen)|commands\.getoutput)$/,
    { kind: 'exec' },
  ],
  [/^(os\.(exec|spawn)\w*|pty\.spawn|os\.posix_spawnp?)$/, { kind: 'dynamic' }],
  [
    /^(urllib\.request\.\w+|urllib\.urlopen|urlopen|urlretrieve|requests\.\w+|httpx\.\w+|http\.client\.\w+|socket\.\w+|aiohttp\.\w+|urllib3\.\w+|ftplib\.\w+|smtplib\.\w+|paramiko\.\w+|telnetlib\.\w+|xmlrpc\.\w+(\.\w+)*|webbrowser\.\w+)$/,
    { kind: 'fetch' },
  ],
  [
    /^(exec|eval|compile|__import__|importlib\.import_module|getattr|setattr|delattr|globals|locals|vars|marshal\.loads|pickle\.loads?|ctypes\.\w+(\.\w+)*|codecs\.decode|base64\.\w*decode\w*|zlib\.decompress|bytes\.fromhex|binascii\.unhexlify|runpy\.\w+)$/,
    { kind: 'dynamic' },
  ],
];

const PY_PATH_METHODS: Record<string, PathAccess | 'safe'> = {
  unlink: 'delete',
  rmdir: 'delete',
  write_text: 'write',
  write_bytes: 'write',
  touch: 'write',
  mkdir: 'write',
  chmod: 'write',
  rename: 'delete',
  replace: 'delete',
  symlink_to: 'write',
  hardlink_to: 'write',
  open: 'read',
  read_text: 'read',
  read_bytes: 'read',
  exists: 'safe',
  is_file: 'safe',
  is_dir: 'safe',
  stat: 'safe',
  resolve: 'safe',
  iterdir: 'read',
  glob: 'read',
  rglob: 'read',
  absolute: 'safe',
};

/** Modules whose objects cannot run, delete, write or fetch anything: using them as values is harmless. */
const PY_PURE_MODULES =
  /^(json|math|cmath|re|datetime|time|random|string|textwrap|itertools|collections|functools|statistics|decimal|fractions|uuid|hashlib|hmac|struct|shlex|pprint|platform|calendar|operator|copy|enum|typing|dataclasses|secrets|unicodedata|locale|keyword|difflib|html|fnmatch|pathlib|csv|heapq|bisect|array|numbers|sysconfig|glob|argparse)$/;

/** Plain data on the other modules: reading or indexing it runs nothing. */
const PY_DATA =
  /^(os\.(sep|name|linesep|pathsep|curdir|pardir|extsep|altsep|devnull|path|[FRWX]_OK|O_\w+)|sys\.(argv|version|version_info|platform|path|stdin|stdout|stderr|maxsize|maxunicode|executable|byteorder|prefix|base_prefix|exec_prefix|implementation|flags|float_info|int_info|hexversion|api_version|copyright|hash_info)|subprocess\.(PIPE|DEVNULL|STDOUT|CalledProcessError|TimeoutExpired|CompletedProcess|SubprocessError))(\.|$)/;

const PY_ENV = /^(os|posix|nt)\.(environb?|getenvb?)(\.|$)/;

/** Every name an import binds, to what it names: `import os.path` binds os; `from os import environ as e`, e. */
function pythonImports(masked: string): Map<string, string> {
  const names = pythonAliases(masked);
  for (const m of masked.matchAll(/(?:^|[;\n:])\s*import\s+([\w.\s,]+?)(?=;|\n|$)/g)) {
    for (const part of (m[1] as string).split(',')) {
      const mod = part.trim().split(/\s+/)[0] ?? '';
      const head = mod.split('.')[0] ?? '';
      if (head && !/\sas\s/.test(part)) names.set(head, head);
    }
  }
  for (const m of masked.matchAll(/\bfrom\s+(os|posix|nt)\s+import\s+\*/g))
    for (const n of ['environ', 'environb', 'getenv', 'getenvb']) names.set(n, `${m[1] as string}.${n}`);
  return names;
}

/**
 * Environment reads, Python internals, and modules that can run, delete, write or fetch reached other than by calling
 * a plain member (`os.__dict__['system']`, `getattr(os, ...)`, `map(shutil.rmtree, ...)`, `vars(os)`).
 */
function pythonReach(masked: string, name: string, f: InterpreterFindings, lits: Literal[]): void {
  const imports = pythonImports(masked);
  const text = masked.replace(/(^|[;\n:])(\s*)(?:from\s+[\w.]+\s+)?import\s+(?:\([^)]*\)|[^;\n]*)/g, '$1$2');
  const watched = (head: string): boolean => {
    const mod = imports.get(head);
    return mod !== undefined && !PY_PURE_MODULES.test(mod.split('.')[0] as string);
  };
  for (const use of nameUses(text, watched)) {
    const resolved = resolveAlias(use.chain, imports);
    if (PY_ENV.test(resolved)) {
      // One named variable that is not named like a secret (`os.environ.get('HOME')`, `os.getenv('CI')`) is what
      // `echo "$NAME"` shows.
      const one = /^(os|posix)\.(environ(\.get)?|getenv)$/.test(resolved)
        ? literalAt(/^[([]\s*([rRbBuU]{0,2}__S\d+__)\s*[,)\]]/.exec(use.tail)?.[1], lits)
        : undefined;
      if (one && !one.dynamic && /^[A-Za-z_]\w*$/.test(one.value) && !SECRET_NAME.test(one.value)) continue;
      envRead(f, name, resolved);
      continue;
    }
    if (use.next === '(' || (use.next === '=' && use.after !== '==') || PY_DATA.test(resolved)) continue;
    dynamicUse(f, name, resolved, use.next);
  }
  const internals =
    /\.\s*__(?!(?:name|doc|file|version|qualname|module|init|str|repr|enter|exit)__)\w+__|(?<![\w.])__(?:builtins|loader|spec)__/.exec(
      text,
    );
  if (internals)
    f.unknowns.push(
      `${name} code reaches Python internals (${internals[0].replace(/\s+/g, '')}): dynamic code`,
    );
}

/** Import aliases: `import shutil as sh` and `from os import remove` make `sh.rmtree` / `remove` resolvable. */
function pythonAliases(masked: string): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const m of masked.matchAll(/\bimport\s+([\w.]+)\s+as\s+(\w+)/g))
    aliases.set(m[2] as string, m[1] as string);
  for (const m of masked.matchAll(/\bfrom\s+([\w.]+)\s+import\s+(?:\(([\w\s,]+)\)|([\w\s,]+?)(?:;|\n|$))/g)) {
    for (const part of (m[2] ?? m[3] ?? '').split(',')) {
      const [orig, alias] = part.trim().split(/\s+as\s+/);
      if (orig) aliases.set(alias ?? orig, `${m[1] as string}.${orig}`);
    }
  }
  return aliases;
}

function resolveAlias(callee: string, aliases: Map<string, string>): string {
  const [head, ...rest] = callee.split('.');
  const full = aliases.get(head ?? '');
  return full ? [full, ...rest].join('.') : callee;
}

function judgePython(code: string, name: string, f: InterpreterFindings): void {
  const { masked: raw, lits } = maskStrings(code, false);
  let masked = raw;
  // Path('x').unlink() and friends: judge against the literal path, then hide the call from the generic pass.
  masked = masked.replace(
    /(?:pathlib\.)?Path\(\s*(__S\d+__)\s*\)\s*\.\s*(\w+)\s*\(/g,
    (_m, lit: string, method: string) => {
      const access = PY_PATH_METHODS[method];
      if (access === undefined)
        f.unknowns.push(`${name} code calls Path.${method}, which toolgate does not understand`);
      else if (access !== 'safe') addPath(f, literalAt(lit, lits), access, `${name} Path.${method}`);
      return '__pathcall__(';
    },
  );
  const aliases = pythonAliases(masked);
  pythonReach(masked, name, f, lits);
  for (const call of findCalls(masked)) {
    if (call.callee === '__pathcall__' || /^(__S\d+__)$/.test(call.callee)) continue;
    if (
      /^(def|class|if|elif|while|for|with|return|and|or|not|in|is|lambda|print|assert|yield|except|import|from)$/.test(
        call.callee,
      )
    ) {
      if (call.callee !== 'print') continue;
    }
    const callee = resolveAlias(call.callee.replace(/^\./, ''), aliases);
    const bareMethod = call.callee.startsWith('.');
    const effect = PY_EFFECTS.find(([re]) => re.test(callee))?.[1];
    if (effect && !bareMethod) {
      applyEffect(f, name, { ...call, callee }, effect, lits);
      continue;
    }
    const last = callee.split('.').pop() ?? callee;
    if (PY_BUILTINS.has(callee) || PY_SAFE_MODULES.test(callee)) continue;
    if (
      (bareMethod || callee.includes('.')) &&
      SAFE_METHODS.has(last) &&
      !/^(os|shutil|subprocess|socket|requests|urllib|http|ctypes|pty)\./.test(callee)
    )
      continue;
    if (bareMethod && PY_PATH_METHODS[last] && PY_PATH_METHODS[last] !== 'safe') {
      f.unknowns.push(`${name} code calls .${last} on a path that cannot be known statically`);
      continue;
    }
    applyEffect(f, name, { ...call, callee }, undefined, lits);
  }
}

const JS_EFFECTS: [RegExp, Effect][] = [
  [
    /^fs\.(promises\.)?(rmSync|rm|rmdirSync|rmdir)$/,
    { kind: 'path', access: 'delete', arg: 0, recursive: 'option' },
  ],
  [/^fs\.(promises\.)?(unlinkSync|unlink)$/, { kind: 'path', access: 'delete', arg: 0 }],
  [/^fs\.(promises\.)?(renameSync|rename)$/, { kind: 'path', access: 'delete', arg: 0, second: 'write' }],
  [
    /^fs\.(promises\.)?(copyFileSync|copyFile|cpSync|cp|symlinkSync|symlink|linkSync|link)$/,
    { kind: 'path', access: 'read', arg: 0, second: 'write' },
  ],
  [
    /^fs\.(promises\.)?(writeFileSync|writeFile|appendFileSync|appendFile|mkdirSync|mkdir|chmodSync|chmod|chownSync|chown|truncateSync|truncate|createWriteStream|utimesSync|openSync|open)$/,
    { kind: 'path', access: 'write', arg: 0 },
  ],
  [
    /^fs\.(promises\.)?(readFileSync|readFile|readdirSync|readdir|createReadStream|readlinkSync|realpathSync)$/,
    { kind: 'path', access: 'read', arg: 0 },
  ],
  [/^fs\.(promises\.)?(existsSync|statSync|lstatSync|stat|lstat|accessSync|access)$/, { kind: 'safe' }],
  [/^child_process\.(execSync|exec)$/, { kind: 'exec' }],
  [/^child_process\.(spawn|spawnSync|execFile|execFileSync)$/, { kind: 'exec', list: true }],
  [/^child_process\.\w+$|^process\.(binding|dlopen|kill)$/, { kind: 'dynamic' }],
  [
    /^(fetch|https?\.\w+|net\.\w+|tls\.\w+|dgram\.\w+|axios(\.\w+)?|got(\.\w+)?|XMLHttpRequest|WebSocket|Bun\.(fetch|connect|listen|serve)|Deno\.(connect|listen)|undici\.\w+)$/,
    { kind: 'fetch' },
  ],
  [
    /^(eval|Function|vm\.\w+|atob|require|import|Bun\.(spawn|spawnSync|write|file|\$)|Deno\.(run|Command|remove|writeTextFile|writeFile)|setTimeout|setInterval|setImmediate)$/,
    { kind: 'dynamic' },
  ],
];

const JS_SAFE =
  /^(console\.\w+|JSON\.\w+|Math\.\w+|Object\.\w+|Array\.\w+|Number(\.\w+)?|String(\.\w+)?|Boolean|parseInt|parseFloat|isNaN|isFinite|Date(\.\w+)?|Symbol|Map|Set|WeakMap|RegExp|Error|Promise\.\w+|process\.(exit|cwd|uptime|hrtime|memoryUsage|stdout\.write|stderr\.write|emitWarning)|path\.\w+|os\.\w+|util\.\w+|url\.\w+|URL|URLSearchParams|encodeURIComponent|decodeURIComponent|encodeURI|decodeURI|structuredClone|queueMicrotask|TextEncoder|TextDecoder|Intl\.\w+|BigInt|Buffer\.(byteLength|alloc|concat|isBuffer)|crypto\.(randomUUID|randomBytes|createHash|randomInt))$/;

const JS_MODULES = new Set([
  'fs',
  'fs/promises',
  'child_process',
  'path',
  'os',
  'util',
  'url',
  'http',
  'https',
  'net',
  'tls',
  'dgram',
  'crypto',
  'vm',
  'process',
  'events',
  'stream',
  'zlib',
  'readline',
  'assert',
  'buffer',
  'module',
  'worker_threads',
  'cluster',
]);

/** Names that can run, delete, write or fetch (modules, process, require, the global object). */
const JS_REACH = new Set([
  'fs',
  'child_process',
  'http',
  'https',
  'net',
  'tls',
  'dgram',
  'vm',
  'module',
  'worker_threads',
  'cluster',
  'process',
  'require',
  'globalThis',
  'global',
]);

/** Plain data on them: reading or indexing it runs nothing. */
const JS_DATA =
  /^(process\.(version|versions|platform|arch|argv|argv0|pid|ppid|execPath|execArgv|exitCode|stdout|stderr|stdin|release|title|features)|fs\.constants)(\.|$)/;

/**
 * Environment reads, and modules (or process, require, the global object) reached other than by calling a plain
 * member: `require('fs')[x]`, `Object.values(require('child_process'))`, `with (require('fs'))`, `[cp.exec][0]`.
 */
function nodeReach(masked: string, aliases: Map<string, string>, name: string, f: InterpreterFindings): void {
  const headOf = (head: string): string => (aliases.get(head) ?? head).split('.')[0] as string;
  // Declarations whose aliases are followed (`const cp = child_process;`, `import {execSync} from ...`) are not uses.
  const text = masked.replace(
    /\b(?:(?:const|let|var)\s+(?:\{[^}]*\}|[\w$]+)\s*=\s*([\w$.]+)\s*(?=[;\n]|$)|import\s*\{[^}]*\}\s*from\s*__S\d+__)/g,
    (m, rhs: string | undefined) =>
      rhs === undefined || JS_MODULES.has(rhs.split('.')[0] as string) ? ' '.repeat(m.length) : m,
  );
  const watched = (head: string): boolean =>
    JS_REACH.has(head) || (aliases.has(head) && JS_REACH.has(headOf(head)));
  for (const use of nameUses(text, watched)) {
    const resolved = resolveAlias(use.chain, aliases);
    if (/^((globalThis|global)\.)?process\.env(\.|$)/.test(resolved)) {
      // One named variable that is not named like a secret (`process.env.NODE_ENV`) is what `echo "$NAME"` shows.
      const one = /^(?:(?:globalThis|global)\.)?process\.env\.([A-Za-z_$][\w$]*)$/.exec(resolved);
      if (one && use.next !== '[' && use.next !== '(' && !SECRET_NAME.test(one[1] as string)) continue;
      envRead(f, name, resolved);
      continue;
    }
    if (use.next === '(' || JS_DATA.test(resolved)) continue;
    if (use.next === '=' && use.after !== '==' && use.after !== '=>') continue;
    if (use.next === ':' && (use.prev === '{' || use.prev === ',')) continue;
    dynamicUse(f, name, resolved, use.next);
  }
}

function judgeNode(code: string, name: string, f: InterpreterFindings): void {
  // Code that does not even compile (compiled only, never run) cannot be judged by reading its calls.
  try {
    new Script(code, { filename: 'toolgate-check.js' });
  } catch {
    if (!/^\s*import\s|\bawait\b/.test(code)) f.unknowns.push(`${name} code does not parse as a script`);
  }
  const { masked: unsubscripted, lits } = maskStrings(code, true);
  // x['name'] with a plain literal name is x.name: `require('fs')['rmSync'](p)` is judged as `require('fs').rmSync(p)`.
  const raw = unsubscripted.replace(/([\w$)\]])\s*\[\s*__S(\d+)__\s*\]/g, (m, before: string, n: string) => {
    const l = lits[Number(n)];
    return l && !l.dynamic && /^[A-Za-z_$][\w$]*$/.test(l.value) ? `${before}.${l.value}` : m;
  });
  const aliases = new Map<string, string>();
  const moduleOf = (lit: string): string | undefined => {
    const l = literalAt(lit, lits);
    if (!l || l.dynamic) return undefined;
    const mod = l.value.replace(/^node:/, '');
    if (!JS_MODULES.has(mod)) return undefined;
    return mod === 'fs/promises' ? 'fs.promises' : mod;
  };
  let masked = raw.replace(/\b(?:require|import)\s*\(\s*(__S\d+__)\s*\)/g, (m, lit: string) => {
    const l = literalAt(lit, lits);
    // require('./package.json') only reads that file.
    if (l && !l.dynamic && l.value.endsWith('.json')) {
      addPath(f, l, 'read', `${name} require`);
      return '__json__';
    }
    return moduleOf(lit) ?? m;
  });
  masked = masked.replace(
    /\bimport\s+(?:\*\s+as\s+)?(\w+)\s+from\s+(__S\d+__)/g,
    (m, id: string, lit: string) => {
      const mod = moduleOf(lit);
      if (mod) aliases.set(id, mod);
      return mod ? '' : m;
    },
  );
  // const fs = require('fs') / const { execSync: run } = require('child_process')
  for (const m of masked.matchAll(/\b(?:const|let|var)\s+([\w$]+)\s*=\s*([\w$.]+)\s*(?=[;\n]|$)/g)) {
    if (JS_MODULES.has((m[2] as string).split('.')[0] as string)) aliases.set(m[1] as string, m[2] as string);
  }
  for (const m of masked.matchAll(/\b(?:const|let|var|import)\s*\{([^}]*)\}\s*(?:=|from)\s*([\w.]+)/g)) {
    const mod = /^__S\d+__$/.test(m[2] as string) ? (moduleOf(m[2] as string) ?? '') : (m[2] as string);
    if (!JS_MODULES.has(mod.split('.')[0] as string)) continue;
    for (const part of (m[1] as string).split(',')) {
      const [orig, alias] = part.trim().split(/\s*(?::|\s+as\s+)\s*/);
      if (orig) aliases.set(alias ?? orig, `${mod}.${orig}`);
    }
  }
  nodeReach(masked, aliases, name, f);
  for (const call of findCalls(masked)) {
    if (/^(if|for|while|switch|catch|function|return|typeof|new|await|async)$/.test(call.callee)) continue;
    const bareMethod = call.callee.startsWith('.');
    const callee = resolveAlias(call.callee.replace(/^\./, ''), aliases);
    const effect = bareMethod ? undefined : JS_EFFECTS.find(([re]) => re.test(callee))?.[1];
    if (effect) {
      applyEffect(f, name, { ...call, callee }, effect, lits);
      continue;
    }
    if (JS_SAFE.test(callee)) continue;
    const last = callee.split('.').pop() ?? callee;
    if (
      (bareMethod || callee.includes('.')) &&
      SAFE_METHODS.has(last) &&
      !/^(fs|child_process|http|https|net|vm)\./.test(callee)
    )
      continue;
    applyEffect(f, name, { ...call, callee }, undefined, lits);
  }
  if (/\bnew\s+Function\b|\beval\b/.test(masked)) f.unknowns.push(`${name} code runs dynamic code (eval)`);
}

/** Languages judged by a list of risky words: any risky word not plainly understood is an Unknown. */
interface RiskySpec {
  risky: RegExp;
  deletes: RegExp;
  execs: RegExp;
}

const RISKY: Record<'perl' | 'ruby' | 'php' | 'lua', RiskySpec> = {
  perl: {
    risky:
      /\b(system|exec|unlink|rmdir|rename|open|sysopen|qx|eval|require|do|fork|kill|chmod|chown|mkdir|symlink|link|truncate|utime|socket|connect|syscall|glob|dbmopen|pipe|readpipe|LWP|HTTP|Net|Socket|IO|File)\b|`|\buse\s+(?!strict\b|warnings\b|utf8\b|feature\b|POSIX\b|List::Util\b|Data::Dumper\b|open\b)\w/,
    deletes: /\b(?:unlink|rmdir)\s*\(?\s*(__S\d+__)\s*\)?\s*(?:;|$)/g,
    execs: /\b(?:system|exec)\s*\(?\s*(__S\d+__)\s*\)?\s*(?:;|$)/g,
  },
  ruby: {
    risky:
      /\b(system|exec|spawn|eval|instance_eval|class_eval|module_eval|send|public_send|require|require_relative|load|open|File|FileUtils|Dir|IO|Kernel|Process|Net|URI|Open3|Socket|TCPSocket|fork|syscall|binding|const_get|Pathname)\b|`|%x/,
    deletes:
      /\b(?:File\.(?:delete|unlink)|FileUtils\.(?:rm|rm_r|rm_rf|rm_f|remove_dir|rmdir)|Dir\.(?:delete|rmdir|unlink))\s*\(?\s*(__S\d+__)\s*\)?\s*(?:;|$)/g,
    execs: /\b(?:system|exec)\s*\(?\s*(__S\d+__)\s*\)?\s*(?:;|$)/g,
  },
  php: {
    risky:
      /\b(system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|eval|assert|unlink|rmdir|rename|file_put_contents|fopen|fwrite|copy|mkdir|chmod|chown|symlink|link|curl_\w+|file_get_contents|file|readfile|fsockopen|stream_socket_client|include|include_once|require|require_once|create_function|base64_decode|gzinflate|str_rot13|call_user_func\w*|preg_replace|mail|putenv|ini_set|dl)\b|`|\$\w+\s*\(/,
    deletes: /\b(?:unlink|rmdir)\s*\(\s*(__S\d+__)\s*\)\s*(?:;|$)/g,
    execs: /\b(?:system|exec|shell_exec|passthru)\s*\(\s*(__S\d+__)\s*\)\s*(?:;|$)/g,
  },
  lua: {
    risky:
      /\b(os\.execute|os\.remove|os\.rename|os\.tmpname|io\.popen|io\.open|io\.output|io\.lines|loadstring|load|loadfile|dofile|require|debug|package)\b/,
    deletes: /\bos\.remove\s*\(\s*(__S\d+__)\s*\)\s*(?:;|$)/g,
    execs: /\bos\.execute\s*\(\s*(__S\d+__)\s*\)\s*(?:;|$)/g,
  },
};

/** Environment reads, looked for in the raw code (double-quoted strings interpolate them). */
const ENV_READS: Record<'perl' | 'ruby' | 'php' | 'lua' | 'awk', RegExp> = {
  perl: /[$%@]ENV\b|\buse\s+Env\b/,
  ruby: /\bENV\b/,
  php: /\$_(?:ENV|SERVER)\b|\bgetenv\b/,
  lua: /\bos\.getenv\b/,
  awk: /\bENVIRON\b/,
};

function judgeRisky(
  lang: 'perl' | 'ruby' | 'php' | 'lua',
): (code: string, name: string, f: InterpreterFindings) => void {
  return (code, name, f) => {
    const spec = RISKY[lang];
    const env = ENV_READS[lang].exec(code);
    if (env) envRead(f, name, env[0]);
    const { masked, lits } = maskStrings(code, false);
    // Statements that are plainly a delete or a command with a literal: record them, then look at what is left.
    let rest = masked.replace(spec.deletes, (_m, lit: string) => {
      addPath(f, literalAt(lit, lits), 'delete', `${name} delete`);
      return ';';
    });
    rest = rest.replace(spec.execs, (_m, lit: string) => {
      const l = literalAt(lit, lits);
      if (l && !l.dynamic) f.shellTexts.push(l.value);
      else f.unknowns.push(`${name} code runs a command that cannot be known statically`);
      return ';';
    });
    const m = spec.risky.exec(rest);
    if (m) f.unknowns.push(`${name} code uses ${m[0].trim()}, which toolgate does not judge`);
  };
}

function judgeAwk(code: string, name: string, f: InterpreterFindings): void {
  const env = ENV_READS.awk.exec(code);
  if (env) envRead(f, name, env[0]);
  const { masked, lits } = maskStrings(code, false);
  let rest = masked.replace(/\bsystem\s*\(\s*(__S\d+__)\s*\)/g, (_m, lit: string) => {
    const l = literalAt(lit, lits);
    if (l && !l.dynamic) f.shellTexts.push(l.value);
    return '0';
  });
  rest = rest.replace(
    /\bprintf?\b([^;}]*?)(>>?)\s*(__S\d+__)/g,
    (_m, _args: string, _op: string, lit: string) => {
      addPath(f, literalAt(lit, lits), 'write', `${name} print >`);
      return ';';
    },
  );
  const risky =
    /\bsystem\s*\(|\|\s*getline|\|&|\bprintf?\b[^;}]*[>|]|\bgetline\s*<|\bclose\s*\(|\bfflush\s*\(/.exec(
      rest,
    );
  if (risky) f.unknowns.push(`${name} program uses ${risky[0].trim()}, which toolgate does not judge`);
}

const JUDGES: Record<Lang, (code: string, name: string, f: InterpreterFindings) => void> = {
  python: judgePython,
  node: judgeNode,
  perl: judgeRisky('perl'),
  ruby: judgeRisky('ruby'),
  php: judgeRisky('php'),
  lua: judgeRisky('lua'),
  awk: judgeAwk,
};

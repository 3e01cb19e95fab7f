// Options, subcommands and environment variables that make a command run other programs or write other files:
// `hyperfine CMD`, `tar --to-command=CMD`, `sed 'w FILE'`, `git rebase --exec CMD`, `EDITOR=CMD git commit`.
//
// Tables say what each such value is (ANALYZERS and RUNNERS by command, ENV_* for variables):
//   - shell text, handed to `sh -c`: the walker parses it one level deeper, as for `bash -c`, so
//     `hyperfine 'npm test'` is judged as `npm test` and `hyperfine 'rm -rf ~'` as `rm -rf ~`;
//   - a program started with arguments added at run time (`tar -I zstd`, `EDITOR=vim`): parsed as shell text
//     behind `xargs --`, so the program is judged as a command whose operands cannot be known;
//   - a command line (`git bisect run CMD ARGS...`, `strace CMD ...`): re-quoted exactly, parsed alike;
//   - a file written or read (`sed 'w FILE'`, `hyperfine --export-json FILE`): a path with that access;
//   - something that cannot be seen (a script file, code in another language): an Unknown, which escalates.
import { normalizeCommandName } from './names.js';
import { makePathRef } from './operands.js';
import { SHELLS } from './shells.js';
import type { PathAccess, PathRef } from './types.js';
import { joinWords } from './wrappers.js';
import { makeWord, type Word } from './words.js';

/** Shell text a command hands on: the walker parses it one level deeper, labelled `via`. */
export interface NestedRun {
  via: string;
  script: Word;
  /** The program gets more arguments at run time (`tar -I PROG`): its commands' operands cannot all be known. */
  moreArgs?: boolean;
}

/** What one command's options and environment were found to run, write or hide. */
class Findings {
  readonly runs: NestedRun[] = [];
  readonly paths: PathRef[] = [];
  readonly unknowns: string[] = [];

  /** The value is shell text (`sh -c VALUE`). */
  shell(via: string, w: Word | undefined): void {
    if (w && w.value.trim() !== '') this.runs.push({ via, script: w });
  }

  /** The value names a program, maybe with options, that is started with more arguments added at run time. */
  program(via: string, w: Word | undefined): void {
    if (!w || w.value.trim() === '') return;
    this.runs.push({ via, script: w, moreArgs: true });
  }

  /** The words are a command line run as is (`moreArgs`: with operands added at run time). */
  argv(via: string, words: Word[], moreArgs = false): void {
    if (words.length === 0) return;
    const q = quoteWords(words);
    this.runs.push({ via, script: q, moreArgs });
  }

  path(w: Word | undefined, access: PathAccess): void {
    const r = w && makePathRef(w, access, 'operand');
    if (r) this.paths.push(r);
  }

  unknown(reason: string): void {
    if (!this.unknowns.includes(reason)) this.unknowns.push(reason);
  }
}

type Analyzer = (args: Word[], f: Findings) => void;

/**
 * Looks at the options and environment of one resolved command (`name` after wrappers, `args` after it).
 * Files are added to `paths`, what cannot be seen is reported through `unknown`; the nested runs are
 * returned for the walker to parse as shell text.
 */
export function programRuns(
  name: string,
  args: Word[],
  assigns: string[],
  paths: PathRef[],
  unknown: (reason: string) => void,
): NestedRun[] {
  const f = new Findings();
  analyze(name, args, f, 0);
  analyzeEnvironment(name, assigns, f);
  paths.push(...f.paths);
  for (const u of f.unknowns) unknown(u);
  return f.runs;
}

function analyze(name: string, args: Word[], f: Findings, depth: number): void {
  if (depth > 4) return;
  if (Object.hasOwn(ANALYZERS, name)) (ANALYZERS[name] as Analyzer)(args, f);
  else if (Object.hasOwn(RUNNERS, name)) (RUNNERS[name] as Analyzer)(args, f);
}

// ------------------------------------------------------------------ helpers

/** A list written as one string of space-separated names. */
const list = (names: string): string[] => names.trim().split(/\s+/);

/** A word made from part of another (an option's value after `=`, a split string): no syntax node. */
function part(w: Word, value: string): Word {
  return { value, dynamic: w.dynamic, glob: w.glob };
}

/** Re-quotes words as shell text that parses back to the same words (expansions stay expansions). */
export function quoteWords(words: Word[]): Word {
  const out = words.map((w) => {
    if (w.dynamic) return /["\\`]/.test(w.value) ? '"$_"' : `"${w.value}"`;
    if (w.glob && /^[^\s'"\\$`;&|<>()]+$/.test(w.value)) return w.value;
    return `'${w.value.replace(/'/g, `'\\''`)}'`;
  });
  return { value: out.join(' '), dynamic: words.some((w) => w.dynamic), glob: false };
}

/** Splits a string into words the way programs split an option string (quotes and backslashes honoured). */
function splitString(w: Word): Word[] {
  const out: Word[] = [];
  let cur: string | undefined;
  let quote = '';
  const v = w.value;
  for (let i = 0; i < v.length; i++) {
    const c = v[i] as string;
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < v.length) cur = (cur ?? '') + v[++i];
      else cur = (cur ?? '') + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      cur ??= '';
    } else if (c === '\\' && i + 1 < v.length) cur = (cur ?? '') + v[++i];
    else if (/\s/.test(c)) {
      if (cur !== undefined) out.push(part(w, cur));
      cur = undefined;
    } else cur = (cur ?? '') + c;
  }
  if (cur !== undefined) out.push(part(w, cur));
  return out;
}

interface Seen {
  name: string;
  value: Word;
}

/**
 * The values of the named options wherever they appear (`-x V`, `-xV`, `-ab -x V`, `--long V`, `--long=V`),
 * up to `--`. Options it is not told about are taken as flags, so a value that looks like one of the named
 * options can be taken for it: that only ever makes a command stricter.
 */
function optionValues(
  args: Word[],
  short: string,
  long: string[],
  optional: { short?: string; long?: string[] } = {},
): Seen[] {
  const out: Seen[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as Word;
    const v = w.value;
    if (v === '--') break;
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq < 0 ? v.slice(2) : v.slice(2, eq);
      if (eq >= 0 && (long.includes(name) || optional.long?.includes(name)))
        out.push({ name, value: part(w, v.slice(eq + 1)) });
      else if (eq < 0 && long.includes(name) && i + 1 < args.length)
        out.push({ name, value: args[++i] as Word });
      continue;
    }
    if (!v.startsWith('-') || v.length < 2) continue;
    for (let j = 1; j < v.length; j++) {
      const letter = v[j] as string;
      const rest = v.slice(j + 1);
      if (short.includes(letter)) {
        if (rest) out.push({ name: letter, value: part(w, rest) });
        else if (i + 1 < args.length) out.push({ name: letter, value: args[++i] as Word });
        break;
      }
      if (optional.short?.includes(letter)) {
        if (rest) out.push({ name: letter, value: part(w, rest) });
        break;
      }
    }
  }
  return out;
}

/** The option table of a command whose option values are shell text, programs or files. */
type ValueKind = 'shell' | 'program' | 'write' | 'read' | { unknown: string };

function byOptions(
  short: string,
  long: string[],
  kinds: Record<string, ValueKind>,
  optional: { short?: string; long?: string[] } = {},
): Analyzer {
  return (args, f) => {
    for (const o of optionValues(args, short, long, optional)) {
      const kind = kinds[o.name];
      if (!kind) continue;
      const label = `${o.name.length === 1 ? '-' : '--'}${o.name}`;
      if (kind === 'shell') f.shell(label, o.value);
      else if (kind === 'program') f.program(label, o.value);
      else if (kind === 'write' || kind === 'read') f.path(o.value, kind);
      else f.unknown(kind.unknown);
    }
  };
}

/** A command that runs the rest of its words (after its own options) as a command line. */
function runsRest(via: string, short: string, long: string[], writes: string[] = []): Analyzer {
  return (args, f) => {
    const i = skipOptions(args, short, long);
    for (const o of optionValues(args.slice(0, i), short, long))
      if (writes.includes(o.name)) f.path(o.value, 'write');
    f.argv(via, args.slice(i));
  };
}

/** Index of the first operand: options (and the values of those in `short`/`long`) skipped; after `--`. */
function skipOptions(args: Word[], short: string, long: string[]): number {
  for (let i = 0; i < args.length; i++) {
    const v = (args[i] as Word).value;
    if (v === '--') return i + 1;
    if (v.startsWith('--')) {
      if (!v.includes('=') && long.includes(v.slice(2))) i++;
      continue;
    }
    if (!v.startsWith('-') || v.length < 2) return i;
    for (let j = 1; j < v.length; j++) {
      if (short.includes(v[j] as string)) {
        if (j === v.length - 1) i++;
        break;
      }
    }
  }
  return args.length;
}

// ------------------------------------------------------------------ sed

/** sed: the script's `e`, `s///e`, `w`, `W`, `r` and `R` commands; `-f` scripts are not read. */
const analyzeSed: Analyzer = (args, f) => {
  const scripts: Word[] = [];
  let explicit = false;
  let inPlace = false;
  const operands: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as Word;
    const v = w.value;
    if (v === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (v === '--sandbox') return; // GNU sed refuses e, r and w in sandbox mode
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq < 0 ? v.slice(2) : v.slice(2, eq);
      const value = eq >= 0 ? part(w, v.slice(eq + 1)) : undefined;
      if (name === 'expression' || name === 'file') {
        explicit = true;
        const val = value ?? (args[++i] as Word | undefined);
        if (name === 'expression' && val) scripts.push(val);
        if (name === 'file') sedFile(val, f);
      } else if (name === 'line-length' && !value) i++;
      else if (name === 'in-place') inPlace = true;
      continue;
    }
    if (v.startsWith('-') && v.length > 1 && !w.dynamic) {
      for (let j = 1; j < v.length; j++) {
        const letter = v[j] as string;
        const rest = v.slice(j + 1);
        if (letter === 'i') {
          inPlace = true;
          break;
        }
        if (letter === 'e' || letter === 'f' || letter === 'l') {
          const val = rest ? part(w, rest) : (args[++i] as Word | undefined);
          if (letter === 'e' && val) scripts.push(val);
          if (letter === 'f') sedFile(val, f);
          if (letter !== 'l') explicit = true;
          break;
        }
      }
      continue;
    }
    operands.push(w);
  }
  if (!explicit && operands[0]) {
    scripts.push(operands[0]);
    // BSD sed: `sed -i '' SCRIPT FILE`; GNU sed reads '' as the script. Judge both readings.
    if (inPlace && operands[0].value === '' && operands[1]) scripts.push(operands[1]);
  }
  for (const s of scripts) sedScript(s, f);
};

function sedFile(w: Word | undefined, f: Findings): void {
  f.unknown(
    `sed runs a script file${w ? ` (${w.value})` : ''} not read; it can run commands (e) or write files (w)`,
  );
}

function sedScript(w: Word, f: Findings): void {
  const found = parseSedScript(w.value);
  if (!found) {
    f.unknown('sed script could not be read (it can run commands with e and write files with w)');
    return;
  }
  if (w.dynamic) f.unknown('sed script holds an expansion; it could run commands (e) or write files (w)');
  for (const c of found) {
    const arg = part(w, c.arg);
    if (c.kind === 'e') {
      if (c.arg.trim()) f.shell('sed e', arg);
      else f.unknown('sed e runs lines of its input as commands');
    } else if (c.kind === 's///e') f.unknown('sed s///e runs the replaced text as a command');
    else f.path(arg, c.kind === 'w' ? 'write' : 'read');
  }
}

interface SedEffect {
  kind: 'e' | 's///e' | 'w' | 'r';
  arg: string;
}

/** Reads a GNU sed script far enough to find what runs programs or touches files (undefined: unreadable). */
export function parseSedScript(text: string): SedEffect[] | undefined {
  const out: SedEffect[] = [];
  const n = text.length;
  let i = 0;
  const at = (k = 0): string => text[i + k] ?? '';
  const skipBlanks = (): void => {
    while (at() === ' ' || at() === '\t') i++;
  };
  const toEol = (): string => {
    const j = text.indexOf('\n', i);
    const end = j < 0 ? n : j;
    const s = text.slice(i, end);
    i = end;
    return s;
  };
  const toEnd = (): void => {
    while (i < n && at() !== ';' && at() !== '\n') i++;
  };
  const digits = (): void => {
    while (/[0-9]/.test(at())) i++;
  };
  // After the opening delimiter: up to the unescaped closing one.
  const delimited = (d: string): boolean => {
    while (i < n) {
      const c = at();
      if (c === '\\') i += 2;
      else if (c === d) {
        i++;
        return true;
      } else i++;
    }
    return false;
  };
  const address = (): boolean | undefined => {
    const c = at();
    if (/[0-9]/.test(c)) {
      digits();
      if (at() === '~') {
        i++;
        digits();
      }
      return true;
    }
    if (c === '$') {
      i++;
      return true;
    }
    if (c === '/' || c === '\\') {
      const d = c === '\\' ? at(1) : '/';
      i += c === '\\' ? 2 : 1;
      if (!d || d === '\n' || !delimited(d)) return undefined;
      while (at() === 'I' || at() === 'M') i++;
      return true;
    }
    return false;
  };
  while (i < n) {
    while (/[\s;]/.test(at()) && i < n) i++;
    if (i >= n) break;
    const a1 = address();
    if (a1 === undefined) return undefined;
    if (a1) {
      skipBlanks();
      if (at() === ',') {
        i++;
        skipBlanks();
        if (at() === '+' || at() === '~') {
          i++;
          digits();
        } else if (address() !== true) return undefined;
      }
    }
    skipBlanks();
    while (at() === '!') {
      i++;
      skipBlanks();
    }
    const cmd = at();
    i++;
    switch (cmd) {
      case '{':
      case '}':
      case '=':
      case 'd':
      case 'D':
      case 'g':
      case 'G':
      case 'h':
      case 'H':
      case 'n':
      case 'N':
      case 'p':
      case 'P':
      case 'x':
      case 'z':
      case 'F':
        break;
      case '#':
        toEol();
        break;
      case ':':
      case 'b':
      case 't':
      case 'T':
      case 'v':
        toEnd();
        break;
      case 'l':
      case 'L':
      case 'q':
      case 'Q':
        skipBlanks();
        digits();
        break;
      case 'a':
      case 'i':
      case 'c': {
        skipBlanks();
        if (at() === '\\') {
          i++;
          if (at() === '\n') i++;
        }
        // Text to the end of the line; a backslash before the newline continues it.
        while (i < n) {
          if (at() === '\\') i += 2;
          else if (at() === '\n') break;
          else i++;
        }
        break;
      }
      case 'r':
      case 'R':
      case 'w':
      case 'W':
        skipBlanks();
        out.push({ kind: cmd === 'r' || cmd === 'R' ? 'r' : 'w', arg: toEol() });
        break;
      case 'e':
        skipBlanks();
        out.push({ kind: 'e', arg: toEol() });
        break;
      case 'y':
      case 's': {
        const d = at();
        i++;
        if (!d || d === '\n' || d === '\\') return undefined;
        if (!delimited(d) || !delimited(d)) return undefined;
        if (cmd === 'y') break;
        for (;;) {
          const c = at();
          if (/[gpiImM0-9]/.test(c) && c !== '') i++;
          else if (c === 'e') {
            out.push({ kind: 's///e', arg: '' });
            i++;
          } else if (c === 'w') {
            i++;
            skipBlanks();
            out.push({ kind: 'w', arg: toEol() });
            break;
          } else break;
        }
        break;
      }
      default:
        return undefined;
    }
  }
  return out;
}

// ------------------------------------------------------------------ tar, zip

const TAR_SHORT_ARG = 'bCfFgHIKLNTVX';
const TAR_LONG_ARG = list(
  `
    file directory use-compress-program to-command info-script new-volume-script rsh-command rmt-command
    checkpoint-action exclude exclude-from files-from format label transform xform owner group mode mtime
    newer after-date newer-mtime index-file blocking-factor record-size tape-length starting-file suffix
    listed-incremental volno-file occurrence strip-components exclude-tag exclude-tag-under exclude-tag-all
  `,
);

/** tar: programs it starts (-I, --to-command, --checkpoint-action=exec=, -F/--info-script, --rsh-command). */
const analyzeTar: Analyzer = (args, f) => {
  let words = args;
  // Old-style options (`tar xzf a.tar`): the letters of the first word, their values from the next words.
  const first = args[0];
  if (first && /^[A-Za-z]+$/.test(first.value) && !first.dynamic) {
    const expanded: Word[] = [];
    let k = 1;
    for (const letter of first.value) {
      expanded.push(part(first, `-${letter}`));
      if (TAR_SHORT_ARG.includes(letter) && args[k]) expanded.push(args[k++] as Word);
    }
    words = [...expanded, ...args.slice(k)];
  }
  for (const o of optionValues(words, TAR_SHORT_ARG, TAR_LONG_ARG, { long: ['checkpoint'] })) {
    const label = `tar ${o.name.length === 1 ? '-' : '--'}${o.name}`;
    if (
      o.name === 'to-command' ||
      o.name === 'F' ||
      o.name === 'info-script' ||
      o.name === 'new-volume-script'
    )
      f.shell(label, o.value);
    else if (['I', 'use-compress-program', 'rsh-command', 'rmt-command'].includes(o.name))
      f.program(label, o.value);
    else if (o.name === 'checkpoint-action' && /^exec=/.test(o.value.value))
      f.shell(label, part(o.value, o.value.value.slice(5)));
    else if (o.name === 'index-file') f.path(o.value, 'write');
  }
};

/** zip -TT CMD / --unzip-command CMD: the command that tests the archive. */
const analyzeZip: Analyzer = (args, f) => {
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as Word;
    const v = w.value;
    if (v === '-TT' || v === '--unzip-command') f.shell(`zip ${v}`, args[++i]);
    else if (v.startsWith('--unzip-command=')) f.shell('zip --unzip-command', part(w, v.slice(16)));
    else if (v.startsWith('-TT')) f.shell('zip -TT', part(w, v.slice(3).replace(/^=/, '')));
  }
};

// ------------------------------------------------------------------ hyperfine

/** hyperfine: every command operand, --prepare/--setup/--cleanup/--conclude/--reference are shell text. */
const analyzeHyperfine: Analyzer = (args, f) => {
  const texts: [string, Word][] = [];
  const lists: [string, string[]][] = [];
  const VALUE1 = new Set(
    list(
      `
        w warmup r runs m min-runs M max-runs u time-unit n command-name style sort D parameter-step-size
        reference-name export-asciidoc export-csv export-json export-markdown export-orgmode output input
        p prepare s setup c cleanup conclude reference S shell
      `,
    ),
  );
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as Word;
    const v = w.value;
    if (v === '--') {
      for (const c of args.slice(i + 1)) texts.push(['hyperfine', c]);
      break;
    }
    if (!v.startsWith('-') || v.length < 2 || w.dynamic) {
      texts.push(['hyperfine', w]);
      continue;
    }
    let name: string;
    let value: Word | undefined;
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      name = eq < 0 ? v.slice(2) : v.slice(2, eq);
      if (eq >= 0) value = part(w, v.slice(eq + 1));
    } else {
      // Flags cluster (-iN); the first letter that takes a value takes the rest of the word or the next word.
      let j = 1;
      while (j < v.length && !VALUE1.has(v[j] as string) && !'LP'.includes(v[j] as string)) j++;
      if (j >= v.length) continue;
      name = v[j] as string;
      if (j + 1 < v.length) value = part(w, v.slice(j + 1));
    }
    const take = (): Word | undefined => value ?? (args[++i] as Word | undefined);
    if (name === 'L' || name === 'parameter-list') {
      const varName = take();
      const values = args[++i] as Word | undefined;
      if (varName && values) lists.push([varName.value, values.value.split(',')]);
      continue;
    }
    if (name === 'P' || name === 'parameter-scan') {
      const varName = take();
      const min = args[++i] as Word | undefined;
      i++;
      if (varName && min) lists.push([varName.value, [min.value]]);
      continue;
    }
    if (!VALUE1.has(name)) continue;
    const val = take();
    if (!val) continue;
    if (list('p prepare s setup c cleanup conclude reference').includes(name))
      texts.push([
        `hyperfine --${name.length === 1 ? { p: 'prepare', s: 'setup', c: 'cleanup' }[name] : name}`,
        val,
      ]);
    else if (name === 'S' || name === 'shell') {
      const shell = normalizeCommandName(splitString(val)[0]?.value ?? '');
      if (!(SHELLS.has(shell) || shell === 'none') || val.dynamic) f.program('hyperfine --shell', val);
    } else if (name.startsWith('export-')) f.path(val, 'write');
    else if (name === 'output' && !['null', 'pipe', 'inherit'].includes(val.value)) f.path(val, 'write');
    else if (name === 'input' && val.value !== 'null') f.path(val, 'read');
  }
  // Parameters ({name}) are replaced by each of their values, as hyperfine does.
  for (const [via, text] of texts) {
    let variants = [text.value];
    for (const [pname, values] of lists) {
      if (!variants.some((t) => t.includes(`{${pname}}`))) continue;
      variants = variants.flatMap((t) => values.map((val) => t.split(`{${pname}}`).join(val)));
      if (variants.length > 64) {
        f.unknown('hyperfine parameter lists give too many commands to judge');
        return;
      }
    }
    for (const t of variants) f.shell(via, part(text, t));
  }
};

// ------------------------------------------------------------------ debuggers

/** gdb commands that only inspect or step the program being debugged (no function calls: no parentheses). */
const GDB_SAFE =
  /^(bt|backtrace|where|info|i|frame|f|up|down|list|l|print|p|output|ptype|whatis|x|display|disassemble|disas|break|b|tbreak|delete|d|run|r|start|starti|continue|c|next|n|step|s|stepi|si|nexti|ni|finish|fin|kill|k|quit|q|detach|echo|show|handle|set\s+(pagination|confirm|print|width|height|verbose|style|debuginfod|disassembly-flavor|startup-with-shell))(\s|\/|$)/;

function judgeGdbCommand(cmd: Word, f: Findings, depth = 0): void {
  const t = cmd.value.trim();
  if (t === '' || depth > 4) return;
  const sh = /^(?:shell\s+|!)([\s\S]*)$/.exec(t);
  if (sh) {
    f.shell('gdb shell', part(cmd, sh[1] as string));
    return;
  }
  const apply =
    /^(?:(?:thread|t|frame)\s+apply\s+(?:all|[\d\s-]+)|faas|tfaas|taas)\s+(?:-\w+\s+)*([\s\S]*)$/.exec(t);
  if (apply) {
    judgeGdbCommand(part(cmd, apply[1] as string), f, depth + 1);
    return;
  }
  if (!GDB_SAFE.test(t) || /[()`]|\$_|\n/.test(t)) {
    f.unknown(`gdb command not judged: ${t.slice(0, 80)}`);
    return;
  }
  // `run ARGS` starts the program through a shell: its redirections and substitutions are judged.
  const run = /^(?:run|r|start|starti)\s+(\S[\s\S]*)$/.exec(t);
  if (run) f.shell('gdb run', part(cmd, `: ${run[1] as string}`));
}

const analyzeGdb: Analyzer = (args, f) => {
  const operands: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as Word;
    const v = w.value.startsWith('--') ? w.value.slice(1) : w.value;
    if (v === '-args') {
      f.argv('gdb --args', args.slice(i + 1));
      return;
    }
    if (!v.startsWith('-') || v.length < 2) {
      operands.push(w);
      continue;
    }
    const eq = v.indexOf('=');
    const name = eq < 0 ? v.slice(1) : v.slice(1, eq);
    const value = (): Word | undefined =>
      eq >= 0 ? part(w, v.slice(eq + 1)) : (args[++i] as Word | undefined);
    if (['ex', 'eval-command', 'iex', 'init-eval-command'].includes(name)) {
      const c = value();
      if (c) judgeGdbCommand(c, f);
    } else if (['x', 'command', 'ix', 'init-command'].includes(name)) {
      value();
      f.unknown('gdb runs a command file that is not read here');
    } else if (
      list('p pid c core cd d directory s symbols e exec se tty i interpreter D data-directory b l').includes(
        name,
      ) &&
      eq < 0
    )
      i++;
  }
  // The program operand is what `run` starts.
  if (operands[0]) f.argv('gdb', [operands[0]]);
};

const LLDB_SAFE =
  /^(bt|thread\s+(backtrace|bt|list|info|select)|frame\s+(info|select|variable)|register\s+read|image\s+(list|lookup)|target\s+(create|modules\s+list)|breakpoint\s+(set|list|delete)|b|br|run|r|process\s+(launch|continue|status|kill|detach)|continue|c|next|n|step|s|finish|quit|q|kill|settings\s+(set|show)|disassemble|di|memory\s+read|x|p|print|v|frame|up|down|version)(\s|$)/;

function judgeLldbCommand(cmd: Word, f: Findings): void {
  const t = cmd.value.trim();
  if (t === '') return;
  const sh = /^platform\s+shell\s+(?:-[^\s]+\s+)*(?:--\s+)?([\s\S]*)$/.exec(t);
  if (sh) f.shell('lldb platform shell', part(cmd, sh[1] as string));
  else if (!LLDB_SAFE.test(t) || /[()`]|\n/.test(t)) f.unknown(`lldb command not judged: ${t.slice(0, 80)}`);
  else {
    const run = /^(?:run|r|process\s+launch)\s+(?:--\s+)?(\S[\s\S]*)$/.exec(t);
    if (run) f.shell('lldb run', part(cmd, `: ${run[1] as string}`));
  }
}

const analyzeLldb: Analyzer = (args, f) => {
  for (const o of optionValues(
    args,
    'oOksSKpnca',
    list(
      `
        one-line one-line-before-file one-line-on-crash source source-before-file source-on-crash attach-pid
        attach-name core arch file
      `,
    ),
  )) {
    if ('oOk'.includes(o.name) || o.name.startsWith('one-line')) judgeLldbCommand(o.value, f);
    else if ('sSK'.includes(o.name) || o.name.startsWith('source'))
      f.unknown('lldb runs a command file that is not read here');
  }
  const i = skipOptions(args, 'oOksSKpnca', list('one-line source attach-pid attach-name core arch file'));
  if (args[i]) f.argv('lldb', args.slice(i));
};

// ------------------------------------------------------------------ make

/** Variables a makefile uses as programs: overriding one on the command line picks the program that runs. */
const MAKE_PROGRAM_VARS = new Set(
  list(
    `
      SHELL MAKE CC CXX CPP LD AR AS FC F77 PC RM INSTALL LEX YACC LINT MAKEINFO TEX PYTHON PYTHON3 NODE
      NPM GO CARGO RUSTC DOCKER JAVA JAVAC PERL RUBY PIP MKDIR CP MV LN SED AWK TAR STRIP RANLIB OBJCOPY
    `,
  ),
);

/** make: a makefile from stdin, --eval, command-line variables that pick programs or splice shell text. */
const analyzeMake: Analyzer = (args, f) => {
  const makefile = (w: Word | undefined): void => {
    if (!w || w.dynamic || ['-', '/dev/stdin', '/dev/fd/0', '/proc/self/fd/0'].includes(w.value))
      f.unknown('make reads a makefile that cannot be seen here (stdin or an expansion)');
  };
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as Word;
    const v = w.value;
    if (v.startsWith('--') && v.length > 2) {
      const eq = v.indexOf('=');
      const name = eq < 0 ? v.slice(2) : v.slice(2, eq);
      const takes = list(
        'file makefile directory include-dir old-file assume-old what-if new-file assume-new eval',
      ).includes(name);
      const value = eq >= 0 ? part(w, v.slice(eq + 1)) : takes ? (args[++i] as Word | undefined) : undefined;
      if (name === 'file' || name === 'makefile') makefile(value);
      if (name === 'eval') f.unknown('make --eval adds makefile text that is not judged here');
      continue;
    }
    if (v.startsWith('-') && v.length > 1 && !w.dynamic) {
      for (let j = 1; j < v.length; j++) {
        const letter = v[j] as string;
        const rest = v.slice(j + 1);
        if ('fCIoWE'.includes(letter)) {
          const value = rest ? part(w, rest) : (args[++i] as Word | undefined);
          if (letter === 'f') makefile(value);
          if (letter === 'E') f.unknown('make --eval adds makefile text that is not judged here');
          break;
        }
        if (letter === 'j' || letter === 'l') {
          if (!rest && /^[0-9.]+$/.test(args[i + 1]?.value ?? '')) i++;
          break;
        }
      }
      continue;
    }
    const m = /^([A-Za-z_.][A-Za-z0-9_.-]*)\s*(\?|::?|\+|!)?=([\s\S]*)$/.exec(v);
    if (m) makeVariable(m[1] as string, m[2] ?? '', part(w, m[3] as string), f);
  }
};

function makeVariable(name: string, op: string, value: Word, f: Findings): void {
  if (op === '!') f.shell(`make ${name}!=`, value);
  else if (MAKE_PROGRAM_VARS.has(name)) f.program(`make ${name}=`, value);
  else if (['MAKEFLAGS', 'MFLAGS', 'GNUMAKEFLAGS'].includes(name)) analyzeMake(splitString(value), f);
  // $HOME is expanded by the shell before make sees it; any other $ is make's own expansion ($(shell ...)).
  else if (
    name === '.SHELLFLAGS' ||
    /[;&|<>`$\n]/.test(value.value.replace(/\$(HOME\b|\{HOME\})/g, '')) ||
    value.dynamic
  )
    f.unknown(`make variable ${name} holds shell syntax that recipes may run`);
}

// ------------------------------------------------------------------ npm, npx, pnpm, yarn

const NPM_PROGRAM_OPTIONS = list('script-shell shell editor browser viewer git');

/** npm: `npm exec` is `npx`; `--script-shell` and friends name programs; `--node-options` adds code. */
const analyzeNpm: Analyzer = (args, f) => {
  for (const o of optionValues(args, '', [...NPM_PROGRAM_OPTIONS, 'node-options'])) {
    if (o.name === 'node-options') f.unknown('npm --node-options adds code to every node process');
    else f.program(`npm --${o.name}`, o.value);
  }
  const i = skipOptions(args, 'wC', list('workspace prefix registry loglevel userconfig cache tag'));
  const sub = args[i]?.value;
  if (sub !== 'exec' && sub !== 'x') return;
  const rest = args.slice(i + 1);
  const k = skipOptions(rest, 'cpw', list('call package workspace cache registry userconfig'));
  const calls = optionValues(rest.slice(0, k), 'c', ['call']);
  for (const c of calls) f.shell('npm exec -c', c.value);
  if (calls.length > 0) return;
  // `npm exec X` is `npx X`: judged as that command.
  const inner = rest[0]?.value === '--' ? rest.slice(1) : rest;
  if (inner.length > 0) f.argv('npm exec', [makeWord('npx'), ...inner]);
};

/** npx: `-c CMD` is shell text; the package's command is looked at with its options (`npx hyperfine CMD`). */
const analyzeNpx: Analyzer = (args, f) => {
  const i = skipOptions(args, 'pcw', list('package call workspace cache registry userconfig'));
  for (const o of optionValues(args.slice(0, i), 'c', ['call', ...NPM_PROGRAM_OPTIONS, 'node-options'])) {
    if (o.name === 'c' || o.name === 'call') f.shell('npx -c', o.value);
    else if (o.name === 'node-options') f.unknown('npx --node-options adds code to every node process');
    else f.program(`npx --${o.name}`, o.value);
  }
  const pkg = args[i];
  if (!pkg) return;
  const bin = normalizeCommandName(pkg.value.replace(/^(@[^/]+\/)?([^@]+)(@.*)?$/, '$2'));
  analyze(bin, args.slice(i + 1), f, 1);
};

/** pnpm exec CMD runs CMD (in a shell with -c/--shell-mode). */
const analyzePnpm: Analyzer = (args, f) => {
  const i = skipOptions(args, 'FC', ['filter', 'dir', 'reporter', 'workspace-concurrency', 'filter-prod']);
  if (args[i]?.value !== 'exec') return;
  const rest = args.slice(i + 1);
  let shellMode = false;
  let k = 0;
  for (; k < rest.length; k++) {
    const v = (rest[k] as Word).value;
    if (v === '--') {
      k++;
      break;
    }
    if (!v.startsWith('-')) break;
    if (v === '-c' || v === '--shell-mode') shellMode = true;
    if (v === '--resume-from' || v === '--report-summary-file') k++;
  }
  const cmd = rest.slice(k);
  if (shellMode) f.shell('pnpm exec -c', joinWords(cmd));
  else f.argv('pnpm exec', cmd);
};

/** yarn exec CMD: Yarn 1 runs the words as a command, later Yarns as shell text; both readings are judged. */
const analyzeYarn: Analyzer = (args, f) => {
  const i = skipOptions(args, '', ['cwd']);
  if (args[i]?.value !== 'exec') return;
  const rest = args.slice(i + 1);
  if (rest.length > 1) f.argv('yarn exec', rest);
  f.shell('yarn exec', joinWords(rest));
};

/** tsx, ts-node: inline code (-e/--eval, -p/--print) is not read here. */
const analyzeTsRunner: Analyzer = (args, f) => {
  if (optionValues(args, 'ep', ['eval', 'print']).length > 0)
    f.unknown('inline TypeScript or JavaScript code (-e/-p) is not judged here');
};

// ------------------------------------------------------------------ git

/** git settings whose value is run as a command (through a shell for most). */
const GIT_COMMAND_KEYS =
  /^(core\.(pager|editor|sshcommand|askpass|fsmonitor|gitproxy|alternaterefscommand)|pager\..+|sequence\.editor|interactive\.difffilter|diff\.external|diff\..+\.(textconv|command)|merge\..+\.driver|filter\..+\.(clean|smudge|process)|credential\.(.+\.)?helper|gpg\.(.+\.)?program|uploadpack\.packobjectshook|(difftool|mergetool|browser|man)\..+\.(cmd|path)|sendemail\.(.+\.)?(sendmailcmd|tocmd|cccmd|headercmd|smtpserver)|web\.browser|remote\..+\.(uploadpack|receivepack))$/;
/** git settings that make git run programs found elsewhere (hooks, included configuration, templates). */
const GIT_HIDDEN_KEYS =
  /^(core\.(hookspath|worktree)|include\.path|includeif\..+\.path|init\.templatedir|protocol\..*allow)$/;

function gitConfig(w: Word | undefined, f: Findings, via: string, depth = 0): void {
  if (!w) return;
  const eq = w.value.indexOf('=');
  const key = (eq < 0 ? w.value : w.value.slice(0, eq)).toLowerCase();
  const value = part(w, eq < 0 ? '' : w.value.slice(eq + 1));
  if (key.startsWith('alias.')) {
    if (value.value.startsWith('!')) f.shell(`${via} ${key}`, part(value, value.value.slice(1)));
    else if (depth < 2) analyzeGitArgs(splitString(value), f, depth + 1);
  } else if (GIT_COMMAND_KEYS.test(key)) {
    if (!(key === 'core.fsmonitor' && /^(true|false|yes|no|on|off|[01])?$/i.test(value.value)))
      f.shell(`${via} ${key}`, value);
  } else if (GIT_HIDDEN_KEYS.test(key)) f.unknown(`git setting ${key} makes git run programs from elsewhere`);
}

const GIT_GLOBAL_ARG = list('-C --git-dir --work-tree --namespace --super-prefix --list-cmds --attr-source');

const analyzeGit: Analyzer = (args, f) => analyzeGitArgs(args, f, 0);

function analyzeGitArgs(args: Word[], f: Findings, depth: number): void {
  let i = 0;
  for (; i < args.length; i++) {
    const w = args[i] as Word;
    const v = w.value;
    if (v === '-c') gitConfig(args[++i], f, 'git -c', depth);
    else if (v === '--config-env' || v.startsWith('--config-env=')) {
      const kv = v === '--config-env' ? (args[++i]?.value ?? '') : v.slice(13);
      const key = kv.split('=')[0]?.toLowerCase() ?? '';
      if (GIT_COMMAND_KEYS.test(key) || GIT_HIDDEN_KEYS.test(key) || key.startsWith('alias.'))
        f.unknown(`git --config-env sets ${key} from the environment: the program it names cannot be seen`);
    } else if (v.startsWith('--exec-path='))
      f.unknown('git --exec-path runs git commands from another directory');
    else if (GIT_GLOBAL_ARG.includes(v)) i++;
    else if (!v.startsWith('-')) break;
  }
  const sub = args[i]?.value;
  const rest = args.slice(i + 1);
  const values = (
    short: string,
    long: string[],
    optional: { short?: string; long?: string[] } = {},
  ): Seen[] => optionValues(rest, short, long, optional);
  switch (sub) {
    case 'rebase':
      for (const o of values('x', ['exec'])) f.shell('git rebase --exec', o.value);
      break;
    case 'bisect':
      if (rest[0]?.value === 'run') f.argv('git bisect run', rest.slice(1));
      break;
    case 'submodule': {
      const k = rest.findIndex((w) => w.value === 'foreach');
      if (k < 0) break;
      let cmd = rest.slice(k + 1);
      while (cmd[0] && ['-q', '--quiet', '--recursive'].includes(cmd[0].value)) cmd = cmd.slice(1);
      if (cmd.length === 1) f.shell('git submodule foreach', cmd[0]);
      else f.argv('git submodule foreach', cmd);
      break;
    }
    case 'difftool':
      for (const o of values('x', ['extcmd'])) f.program('git difftool --extcmd', o.value);
      break;
    case 'clone':
    case 'init':
      for (const o of values(sub === 'clone' ? 'uc' : '', [
        'upload-pack',
        'template',
        'config',
        'separate-git-dir',
      ])) {
        if (o.name === 'u' || o.name === 'upload-pack') f.program('git --upload-pack', o.value);
        else if (o.name === 'template') f.unknown('git runs hooks from a template directory');
        else if (o.name === 'c' || o.name === 'config') gitConfig(o.value, f, `git ${sub} --config`, depth);
      }
      break;
    case 'fetch':
    case 'pull':
    case 'ls-remote':
    case 'fetch-pack':
      for (const o of values('', ['upload-pack'])) f.program('git --upload-pack', o.value);
      break;
    case 'push':
    case 'send-pack':
    case 'archive':
      for (const o of values('', ['exec', 'receive-pack'])) f.program(`git ${sub} --${o.name}`, o.value);
      break;
    case 'grep':
      for (const o of values('', [], { short: 'O', long: ['open-files-in-pager'] }))
        f.program('git grep --open-files-in-pager', o.value);
      break;
    case 'filter-branch': {
      const filters = list(
        'setup env-filter tree-filter index-filter parent-filter msg-filter commit-filter',
      );
      for (const o of values('', [...filters, 'tag-name-filter']))
        f.shell(`git filter-branch --${o.name}`, o.value);
      break;
    }
    case 'send-email':
      for (const o of values('', ['sendmail-cmd', 'to-cmd', 'cc-cmd', 'header-cmd', 'smtp-server']))
        if (o.name !== 'smtp-server' || o.value.value.startsWith('/'))
          f.program(`git send-email --${o.name}`, o.value);
      break;
    case 'diff':
    case 'log':
    case 'show':
    case 'format-patch':
      for (const o of values('o', ['output', 'output-directory']))
        if (o.name !== 'o' || sub === 'format-patch') f.path(o.value, 'write');
      break;
  }
}

// ------------------------------------------------------------------ script, runners, tracers

/** script: util-linux `script -c CMD [FILE]`, BSD `script [FILE [CMD ...]]`; FILE (the log) is written. */
const analyzeScript: Analyzer = (args, f) => {
  const operands: Word[] = [];
  let command: Word | undefined;
  let playback = false;
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as Word;
    const v = w.value;
    if (v === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq < 0 ? v.slice(2) : v.slice(2, eq);
      const takes = list('command echo log-in log-out log-io log-timing logging-format output-limit');
      const value =
        eq >= 0 ? part(w, v.slice(eq + 1)) : takes.includes(name) ? (args[++i] as Word) : undefined;
      if (name === 'command') command = value;
      else if (name.startsWith('log-') && name !== 'logging-format') f.path(value, 'write');
      else if (name === 'timing' && value) f.path(value, 'write');
      continue;
    }
    if (v.startsWith('-') && v.length > 1) {
      for (let j = 1; j < v.length; j++) {
        const letter = v[j] as string;
        const rest = v.slice(j + 1);
        if (letter === 'p') playback = true;
        if ('cEIOBTmoF'.includes(letter)) {
          const value = rest ? part(w, rest) : (args[++i] as Word | undefined);
          if (letter === 'c') command = value;
          else if ('IOBTF'.includes(letter)) f.path(value, 'write');
          break;
        }
        if (letter === 't') {
          if (rest) f.path(part(w, rest), 'write');
          else if (/^[0-9.]+$/.test(args[i + 1]?.value ?? '')) i++;
          break;
        }
      }
      continue;
    }
    operands.push(w);
  }
  if (operands[0]) f.path(operands[0], playback ? 'read' : 'write');
  if (command) f.shell('script -c', command);
  else if (operands.length > 1) f.argv('script', operands.slice(1));
  else if (!playback) f.unknown('script starts an interactive shell that reads commands from its input');
};

/** Tracers and profilers run the rest of their words as a command; their output files are written. */
const analyzePerf: Analyzer = (args, f) => {
  const sub = args[0]?.value;
  if (sub === 'stat' || sub === 'record' || sub === 'trace')
    runsRest(`perf ${sub}`, 'eptCoFcrGxIDm', list('event pid tid cpu output freq count repeat'), [
      'o',
      'output',
    ])(args.slice(1), f);
};

const analyzeValgrind: Analyzer = (args, f) => {
  for (const o of optionValues(args, '', [], { long: ['log-file', 'xml-file'] })) f.path(o.value, 'write');
  let i = 0;
  while (i < args.length && (args[i] as Word).value.startsWith('-')) i++;
  f.argv('valgrind', args.slice(i));
};

/** Version managers and environment runners: `uv run CMD`, `bundle exec CMD`, `mise exec -- CMD`, ... */
const analyzeUv: Analyzer = (args, f) => {
  // (uvx and `uv tool run` download the package they run: the policy judges that.)
  if (args[0]?.value !== 'run') return;
  const rest = args.slice(1);
  const UV_LONG = list(
    `
      with with-editable with-requirements python project directory group extra package env-file index
      default-index index-url extra-index-url find-links upgrade-package reinstall-package no-binary-package
      only-binary-package resolution prerelease link-mode config-file cache-dir refresh-package
      exclude-newer python-preference color no-group only-group config-setting keyring-provider
      index-strategy allow-insecure-host
    `,
  );
  const i = skipOptions(rest, 'pm', [...UV_LONG, 'module']);
  const cmd = rest.slice(i);
  const module = optionValues(rest.slice(0, i), 'm', ['module'])[0];
  if (module) f.argv('uv run', [makeWord('python'), makeWord('-m'), module.value, ...cmd]);
  else if (cmd[0] && /\.pyw?$/.test(cmd[0].value)) f.argv('uv run', [makeWord('python'), ...cmd]);
  else if (cmd[0] && !/^[a-z][a-z0-9+.-]*:\/\//i.test(cmd[0].value)) f.argv('uv run', cmd);
};

const analyzeMise: Analyzer = (args, f) => {
  const sub = args[0]?.value;
  if (sub !== 'exec' && sub !== 'x') return;
  const rest = args.slice(1);
  for (const o of optionValues(rest, 'c', ['command'])) f.shell('mise exec -c', o.value);
  const dd = rest.findIndex((w) => w.value === '--');
  if (dd >= 0) f.argv('mise exec', rest.slice(dd + 1));
};

function subcommandRunner(sub: string[], via: string, short = '', long: string[] = [], skip = 0): Analyzer {
  return (args, f) => {
    const i = skipOptions(args, short, long);
    if (!sub.includes(args[i]?.value ?? '')) return;
    const rest = args.slice(i + 1);
    const k = skipOptions(rest, short, long);
    f.argv(via, rest.slice(k + skip));
  };
}

const analyzeNvm: Analyzer = (args, f) => {
  const sub = args[0]?.value;
  if (sub !== 'exec' && sub !== 'run') return;
  let rest = args.slice(1);
  while (rest[0]?.value.startsWith('--')) rest = rest.slice(1);
  // An optional version first: 18, v20.1, node, lts/*, iojs.
  if (rest[0] && /^(v?\d[\d.]*|node|iojs|stable|system|lts\/.*|--lts.*)$/.test(rest[0].value))
    rest = rest.slice(1);
  f.argv(`nvm ${sub}`, sub === 'run' ? [makeWord('node'), ...rest] : rest);
};

/** fd -x/--exec CMD... ; and -X/--exec-batch: CMD runs on every path found (operands come at run time). */
const analyzeFd: Analyzer = (args, f) => {
  for (let i = 0; i < args.length; i++) {
    const v = (args[i] as Word).value;
    if (!['-x', '--exec', '-X', '--exec-batch'].includes(v)) continue;
    const cmd: Word[] = [];
    for (i++; i < args.length && (args[i] as Word).value !== ';'; i++) cmd.push(args[i] as Word);
    f.argv(`fd ${v}`, cmd, true);
  }
};

const ANALYZERS: Record<string, Analyzer> = {
  sed: analyzeSed,
  gsed: analyzeSed,
  tar: analyzeTar,
  gtar: analyzeTar,
  bsdtar: analyzeTar,
  zip: analyzeZip,
  hyperfine: analyzeHyperfine,
  gdb: analyzeGdb,
  lldb: analyzeLldb,
  make: analyzeMake,
  gmake: analyzeMake,
  npm: analyzeNpm,
  npx: analyzeNpx,
  pnpm: analyzePnpm,
  yarn: analyzeYarn,
  tsx: analyzeTsRunner,
  'ts-node': analyzeTsRunner,
  'ts-node-esm': analyzeTsRunner,
  git: analyzeGit,
  script: analyzeScript,
  fd: analyzeFd,
  fdfind: analyzeFd,
  sort: byOptions(
    'okSTt',
    list(
      `
        output key field-separator buffer-size temporary-directory compress-program files0-from parallel
        batch-size random-source
      `,
    ),
    { 'compress-program': 'program' },
  ),
  man: byOptions(
    'PCMSmLpreE',
    list('pager config-file manpath sections systems locale preprocessor encoding prompt extension'),
    {
      P: 'shell',
      pager: 'shell',
      H: 'program',
      html: 'program',
      C: { unknown: 'man reads a configuration file that can name programs' },
      'config-file': { unknown: 'man reads a configuration file that can name programs' },
    },
    { short: 'H', long: ['html'] },
  ),
  rg: byOptions(
    'efABCmgtTMjE',
    list(
      `
        regexp file glob iglob type type-not type-add max-count after-context before-context context
        threads max-depth encoding replace colors sort sortr pre pre-glob hostname-bin ignore-file
        max-filesize max-columns path-separator context-separator engine
      `,
    ),
    { pre: 'program', 'hostname-bin': 'program' },
  ),
  split: byOptions(
    'abClnt',
    list('filter additional-suffix bytes line-bytes lines number separator suffix-length'),
    { filter: 'shell' },
  ),
  bat: byOptions(
    'lHmrd',
    list(
      `
        pager language theme style map-syntax wrap tabs line-range highlight-line file-name diff-context
        color paging terminal-width
      `,
    ),
    { pager: 'shell' },
  ),
  wget: byOptions('', ['use-askpass'], { 'use-askpass': 'program' }),
  rsync: byOptions('e', ['rsh', 'rsync-path'], { e: 'program', rsh: 'program' }),
  strace: runsRest(
    'strace',
    'abeEIoOpPsSuUX',
    list('output trace signal status user env attach string-limit columns trace-path summary-sort-by'),
    ['o', 'output'],
  ),
  ltrace: runsRest('ltrace', 'aAeEFlLnopsuwxD', ['output', 'library'], ['o', 'output']),
  valgrind: analyzeValgrind,
  perf: analyzePerf,
};

/** Commands that run another command line (the outer command stays judged too, e.g. `uv run --with PKG`). */
const RUNNERS: Record<string, Analyzer> = {
  uv: analyzeUv,
  mise: analyzeMise,
  nvm: analyzeNvm,
  poetry: subcommandRunner(['run'], 'poetry run', 'CP', ['directory', 'project']),
  pipenv: subcommandRunner(['run'], 'pipenv run'),
  pdm: subcommandRunner(['run'], 'pdm run'),
  hatch: subcommandRunner(['run'], 'hatch run'),
  bundle: subcommandRunner(['exec'], 'bundle exec', '', ['gemfile']),
  asdf: subcommandRunner(['exec'], 'asdf exec'),
  pyenv: subcommandRunner(['exec'], 'pyenv exec'),
  rbenv: subcommandRunner(['exec'], 'rbenv exec'),
  direnv: subcommandRunner(['exec'], 'direnv exec', '', [], 1),
  conda: subcommandRunner(['run'], 'conda run', 'np', ['name', 'prefix', 'cwd']),
  mamba: subcommandRunner(['run'], 'mamba run', 'np', ['name', 'prefix', 'cwd']),
  micromamba: subcommandRunner(['run'], 'micromamba run', 'np', ['name', 'prefix', 'cwd']),
};

// ------------------------------------------------------------------ environment

/** Variables whose value is shell text a program runs (pagers are run through `sh -c`). */
const ENV_SHELL = new Set(
  list(
    `
      PAGER GIT_PAGER MANPAGER GH_PAGER BAT_PAGER DELTA_PAGER SYSTEMD_PAGER PSQL_PAGER GIT_SSH_COMMAND
      LESSOPEN LESSCLOSE
    `,
  ),
);
/** Variables that name a program started with arguments (editors get the file, askpass the prompt, ...). */
const ENV_PROGRAM = new Set(
  list(
    `
      EDITOR VISUAL GIT_EDITOR GIT_SEQUENCE_EDITOR SUDO_EDITOR KUBE_EDITOR GH_EDITOR FCEDIT GIT_SSH
      GIT_PROXY_COMMAND GIT_EXTERNAL_DIFF GIT_ASKPASS SSH_ASKPASS SUDO_ASKPASS BROWSER RSYNC_RSH CVS_RSH
      RSYNC_CONNECT_PROG CC CXX CPP LD AR AS FC RUSTC RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER RUSTDOC
      CARGO_BUILD_RUSTC_WRAPPER
    `,
  ),
);
/** Variables holding a command's own options (judged as if written on its command line). */
const ENV_OPTIONS: Record<string, string[]> = {
  TAR_OPTIONS: ['tar', 'gtar'],
  ZIPOPT: ['zip'],
  MAKEFLAGS: ['make', 'gmake'],
  MFLAGS: ['make', 'gmake'],
  GNUMAKEFLAGS: ['make', 'gmake'],
};

function analyzeEnvironment(name: string, assigns: string[], f: Findings): void {
  for (const a of assigns) {
    const eq = a.indexOf('=');
    if (eq <= 0) continue;
    const key = a.slice(0, eq).replace(/\+$/, '');
    let value = makeWord(a.slice(eq + 1));
    if (key === 'LESSOPEN' || key === 'LESSCLOSE')
      value = makeWord(value.value.replace(/^\s*(\|\|?-?|-)/, ''));
    if (ENV_SHELL.has(key)) f.shell(key, value);
    else if (ENV_PROGRAM.has(key)) f.program(key, value);
    else if (ENV_OPTIONS[key]?.includes(name)) analyze(name, splitString(value), f, 1);
    else if (key === 'GIT_TEMPLATE_DIR') f.unknown('git runs hooks from a template directory');
    else if (key === 'GOFLAGS' && /-(toolexec|exec|overlay|modfile)\b/.test(value.value))
      f.unknown('GOFLAGS makes go run another program');
    else {
      const npm = /^npm_config_(.+)$/i.exec(key);
      const opt = npm?.[1]?.toLowerCase().replace(/_/g, '-');
      if (opt && NPM_PROGRAM_OPTIONS.includes(opt)) f.program(key, value);
      else if (opt === 'node-options') f.unknown(`${key} adds code to every node process`);
    }
  }
}

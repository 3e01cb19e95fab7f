// Looks through wrapper commands (sudo, env, nice, timeout, xargs, ...) to the command they run.
import { hasOption, optionValue, splitOptions, type OptionSpec } from './options.js';
import type { Word } from './words.js';

/** What a wrapper runs: the inner argv, plus what the wrapper adds to it. */
export interface Unwrapped {
  /** The wrapper's name for `via`, e.g. "sudo". */
  via: string;
  /** The inner command's words (argv[0] first); empty when the wrapper runs nothing. */
  inner: Word[];
  /** Environment assignments the wrapper adds (`env A=1`, `sudo A=1`). */
  assigns: string[];
  /** The inner command gets more operands at run time (xargs): they cannot be known. */
  moreArgs: boolean;
  /** A string the wrapper hands to a shell (`env -S`, `watch`, `flock -c`): parse it instead of `inner`. */
  script?: Word;
}

interface WrapperDef {
  spec: OptionSpec;
  /** Runs after option parsing: adjusts the operands (e.g. timeout's duration) or declines (returns undefined). */
  adjust?: (u: Unwrapped, opts: ReturnType<typeof splitOptions>) => Unwrapped | undefined;
}

const ASSIGN = /^[A-Za-z_][A-Za-z0-9_]*=/;

function takeAssigns(u: Unwrapped): Unwrapped {
  while (u.inner[0] && ASSIGN.test(u.inner[0].value)) u.assigns.push((u.inner.shift() as Word).value);
  return u;
}

const WRAPPERS: Record<string, WrapperDef> = {
  sudo: {
    spec: {
      shortArg: 'ugpCDrtUTRh',
      longArg: [
        'user',
        'group',
        'prompt',
        'close-from',
        'chdir',
        'role',
        'type',
        'other-user',
        'command-timeout',
        'chroot',
        'host',
      ],
      stopAtOperand: true,
    },
    adjust: (u) => takeAssigns(u),
  },
  doas: { spec: { shortArg: 'uC', stopAtOperand: true } },
  env: {
    spec: { shortArg: 'uCS', longArg: ['unset', 'chdir', 'split-string'], stopAtOperand: true },
    adjust: (u, s) => {
      takeAssigns(u);
      const split = optionValue(s.options, 'S', 'split-string');
      // -S splits its string into words that come before the remaining operands.
      if (split) return { ...u, inner: [], script: joinWords([split, ...u.inner]) };
      return u;
    },
  },
  nice: { spec: { shortArg: 'n', longArg: ['adjustment'], stopAtOperand: true, numericFlags: true } },
  nohup: { spec: { stopAtOperand: true } },
  setsid: { spec: { stopAtOperand: true } },
  unbuffer: { spec: { stopAtOperand: true } },
  caffeinate: { spec: { shortArg: 'tw', stopAtOperand: true } },
  ionice: { spec: { shortArg: 'cnp', longArg: ['class', 'classdata', 'pid'], stopAtOperand: true } },
  timeout: {
    spec: { shortArg: 'sk', longArg: ['signal', 'kill-after'], stopAtOperand: true },
    adjust: (u) => ({ ...u, inner: u.inner.slice(1) }),
  },
  stdbuf: { spec: { shortArg: 'ioe', longArg: ['input', 'output', 'error'], stopAtOperand: true } },
  taskset: {
    spec: { shortArg: '', stopAtOperand: true },
    adjust: (u, s) => (hasOption(s.options, 'p', 'pid') ? undefined : { ...u, inner: u.inner.slice(1) }),
  },
  xargs: {
    spec: {
      shortArg: 'ILnPsdEa',
      shortOptionalArg: 'ile',
      longArg: [
        'arg-file',
        'delimiter',
        'eof',
        'replace',
        'max-lines',
        'max-args',
        'max-procs',
        'max-chars',
        'process-slot-var',
      ],
      stopAtOperand: true,
    },
    adjust: (u) => ({ ...u, moreArgs: true }),
  },
  command: {
    spec: { stopAtOperand: true },
    // `command -v x` / `-V` only looks a name up.
    adjust: (u, s) => (hasOption(s.options, 'v', 'V') ? undefined : u),
  },
  builtin: { spec: { stopAtOperand: true } },
  exec: { spec: { shortArg: 'a', stopAtOperand: true } },
  time: { spec: { shortArg: 'fo', longArg: ['format', 'output'], stopAtOperand: true } },
  busybox: { spec: { stopAtOperand: true } },
  watch: {
    spec: { shortArg: 'nq', longArg: ['interval', 'equexit'], shortOptionalArg: 'd', stopAtOperand: true },
    adjust: (u, s) => {
      if (hasOption(s.options, 'x', 'exec')) return u;
      return { ...u, inner: [], script: joinWords(u.inner) };
    },
  },
  flock: {
    spec: { shortArg: 'wEc', longArg: ['timeout', 'conflict-exit-code', 'command'], stopAtOperand: true },
    adjust: (u, s) => {
      const c = optionValue(s.options, 'c', 'command');
      // flock LOCKFILE -c CMD: the -c may follow the lock file.
      const rest = u.inner.slice(1);
      if (c) return { ...u, inner: [], script: c };
      if (rest[0]?.value === '-c' && rest[1]) return { ...u, inner: [], script: rest[1] };
      return { ...u, inner: rest };
    },
  },
};

/** Joins words with spaces the way `eval`, `watch` and `ssh` do before handing them to a shell. */
export function joinWords(words: Word[]): Word {
  return {
    value: words.map((w) => w.value).join(' '),
    dynamic: words.some((w) => w.dynamic),
    glob: words.some((w) => w.glob),
  };
}

/** True when `name` is a wrapper this module looks through. */
export function isWrapper(name: string): boolean {
  return Object.hasOwn(WRAPPERS, name);
}

/** Looks through one wrapper level; undefined when `name` is no wrapper or this use of it runs no command. */
export function unwrapCommand(name: string, args: Word[]): Unwrapped | undefined {
  const def = WRAPPERS[name];
  if (!def) return undefined;
  const split = splitOptions(args, def.spec);
  let u: Unwrapped | undefined = { via: name, inner: split.operands, assigns: [], moreArgs: false };
  if (def.adjust) u = def.adjust(u, split);
  if (!u) return undefined;
  if (u.inner.length === 0 && !u.script) return undefined;
  return u;
}

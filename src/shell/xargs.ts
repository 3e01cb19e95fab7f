// What xargs adds to the command it runs: the words of its input, known when a literal echo or printf feeds it; files
// under the start points of a listing command that feeds it (find ~, ls dir, git ls-files), which stand in as paths
// that cannot be known; anything else (a file, the terminal, another command's output) stands in as `$XARGS_INPUT`.
import { hasOption, splitOptions, type OptionSpec } from './options.js';
import type { SimpleCommand } from './types.js';
import { makeWord, type Word } from './words.js';

const XARGS_SPEC: OptionSpec = {
  shortArg: 'ILnPsdEa',
  shortOptionalArg: 'ile',
  longArg: ['arg-file', 'delimiter', 'eof', 'replace', 'max-lines', 'max-args', 'max-procs', 'max-chars'],
};

export interface XargsInput {
  /** The input words, in order; dynamic ones stand for files under a start point of a listing command. */
  words: Word[];
  /** The replace string of -I/-i/--replace, when given: input goes where it appears instead of at the end. */
  replace?: string;
}

/** Commands whose output is a list of files under their start points (or the current directory). */
const LISTERS = new Set(['find', 'fd', 'fdfind', 'ls', 'tree', 'git']);
const LISTING_FLAGS = new Set([
  '-l',
  '-L',
  '--files-with-matches',
  '--files-without-match',
  '--files',
  '-r',
  '-R',
]);

/** The input of `xargs OPTIONS` fed by the commands of the previous pipeline stage (none: a file or the terminal). */
export function xargsInput(options: Word[], upstream: SimpleCommand[] | undefined): XargsInput {
  const s = splitOptions(options, XARGS_SPEC);
  const replaceOpt = s.options.find((o) => ['I', 'i', 'replace'].includes(o.name));
  const replace = replaceOpt ? replaceOpt.value?.value || '{}' : undefined;
  // Input that cannot be known stands in as an expansion: judged as `cat "$X"` or `rm "$X"` would be.
  const unknown = (): XargsInput => ({ words: [makeWord('$XARGS_INPUT', true)], replace });
  if (hasOption(s.options, 'a', 'arg-file')) return unknown();
  if (!upstream?.length) return unknown();
  const [only] = upstream;
  if (upstream.length === 1 && only && (only.name === 'echo' || only.name === 'printf') && !only.dynamic) {
    const args = only.argv
      .slice(1)
      .filter((a, i) => !(only.name === 'echo' && i === 0 && /^-[neE]+$/.test(a)));
    const text = only.name === 'printf' && args.length > 1 && args[0]?.includes('%') ? args.slice(1) : args;
    const words = text.flatMap((a) => a.replace(/\\n/g, '\n').split(/\s+/)).filter((w) => w !== '');
    return { words: words.map((w) => makeWord(w)), replace };
  }
  const words: Word[] = [];
  for (const c of upstream) {
    const lists =
      LISTERS.has(c.name) ||
      (['grep', 'egrep', 'rg', 'ag'].includes(c.name) &&
        c.argv.some((a) => LISTING_FLAGS.has(a) || /^-[A-Za-z]*[lLrR]/.test(a)));
    if (!lists) return unknown();
    const roots = c.paths.filter((p) => p.source === 'operand' && p.access !== 'write').map((p) => p.path);
    for (const r of roots.length ? roots : ['.']) words.push(makeWord(r, true));
  }
  return { words, replace };
}

/** The inner command's words with the input put in: at the replace string, else appended. */
export function withXargsInput(argv: Word[], input: XargsInput): Word[] {
  if (input.replace === undefined) return [...argv, ...input.words];
  const first = input.words[0];
  if (!first) return argv;
  const many = input.words.length > 1;
  const rep = input.replace;
  return argv.map((w, i) =>
    i > 0 && w.value.includes(rep)
      ? { ...w, value: w.value.split(rep).join(first.value), dynamic: w.dynamic || first.dynamic || many }
      : w,
  );
}

// Skips the options of a command line (short clusters, long options with `=` or a separate value) to find its operands.
import type { Word } from './words.js';

/** How one command's options are spelled. */
export interface OptionSpec {
  /** Short options that take a value (`-u root` or `-uroot`). */
  shortArg?: string;
  /** Long options that take a value (`--user root` or `--user=root`), without the dashes. */
  longArg?: string[];
  /** Short options whose value can only be attached (`-i{}` for xargs): never consume the next word. */
  shortOptionalArg?: string;
  /** Options are only recognised before the first operand (true for wrappers: the rest is the inner command). */
  stopAtOperand?: boolean;
  /** A word like `-5` is an option (nice). */
  numericFlags?: boolean;
}

/** One option as seen on the command line: its letter or long name, and its value when it takes one. */
export interface SeenOption {
  name: string;
  value?: Word;
}

export interface SplitArgs {
  options: SeenOption[];
  operands: Word[];
  /** Index in the input of the first operand (for wrappers: where the inner command starts). */
  firstOperand: number;
}

/** Splits words (after the command name) into options and operands according to `spec`. */
export function splitOptions(args: Word[], spec: OptionSpec): SplitArgs {
  const options: SeenOption[] = [];
  const operands: Word[] = [];
  let firstOperand = args.length;
  let i = 0;
  for (; i < args.length; i++) {
    const w = args[i] as Word;
    const v = w.value;
    if (v === '--') {
      i++;
      break;
    }
    if (v.startsWith('--') && v.length > 2) {
      const eq = v.indexOf('=');
      const name = eq >= 0 ? v.slice(2, eq) : v.slice(2);
      if (eq >= 0) options.push({ name, value: { ...w, value: v.slice(eq + 1) } });
      else if (spec.longArg?.includes(name) && i + 1 < args.length)
        options.push({ name, value: args[++i] as Word });
      else options.push({ name });
      continue;
    }
    if (v.startsWith('-') && v.length > 1 && !w.dynamic) {
      if (spec.numericFlags && /^-\d+$/.test(v)) {
        options.push({ name: 'n', value: { ...w, value: v.slice(1) } });
        continue;
      }
      for (let j = 1; j < v.length; j++) {
        const letter = v[j] as string;
        if (spec.shortArg?.includes(letter)) {
          const rest = v.slice(j + 1);
          if (rest) options.push({ name: letter, value: { ...w, value: rest } });
          else if (i + 1 < args.length) options.push({ name: letter, value: args[++i] as Word });
          else options.push({ name: letter });
          break;
        }
        if (spec.shortOptionalArg?.includes(letter)) {
          const rest = v.slice(j + 1);
          options.push(rest ? { name: letter, value: { ...w, value: rest } } : { name: letter });
          break;
        }
        options.push({ name: letter });
      }
      continue;
    }
    if (spec.stopAtOperand) break;
    if (firstOperand === args.length) firstOperand = i;
    operands.push(w);
  }
  if (spec.stopAtOperand) {
    firstOperand = i;
    operands.push(...args.slice(i));
  } else {
    if (firstOperand === args.length && i < args.length) firstOperand = i;
    operands.push(...args.slice(i));
  }
  return { options, operands, firstOperand };
}

/** True when `opts` contains any of the named options. */
export function hasOption(opts: SeenOption[], ...names: string[]): boolean {
  return opts.some((o) => names.includes(o.name));
}

/** The value of the last of the named options, if any. */
export function optionValue(opts: SeenOption[], ...names: string[]): Word | undefined {
  let found: Word | undefined;
  for (const o of opts) if (names.includes(o.name) && o.value) found = o.value;
  return found;
}

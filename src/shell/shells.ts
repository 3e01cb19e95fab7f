// Recognises commands that run shell text: `bash -c`, `eval`, `su -c`, `ssh host cmd`, and shells reading a script from stdin.
import { optionValue, splitOptions } from './options.js';
import { joinWords } from './wrappers.js';
import type { Word } from './words.js';

export const SHELLS = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'mksh',
  'ash',
  'rbash',
  'fish',
  'yash',
  'posh',
]);

/** What a shell-running command does with its input. */
export type ShellRun =
  /** Runs this text as shell (`bash -c TEXT`, `eval ARGS`, `su -c TEXT`, `ssh host ARGS`). */
  | { kind: 'text'; via: string; script: Word; remote?: boolean }
  /** Reads its script from stdin (`bash`, `sh -s`, `bash -`, `source /dev/stdin`). */
  | { kind: 'stdin'; via: string }
  /** Runs a script file (`bash x.sh`, `source x.sh`): the file is an operand with access exec. */
  | { kind: 'file'; via: string; file: Word };

/** Options of sh/bash/zsh that take a value. */
const SHELL_ARG_OPTS = new Set(['o', 'O']);
const SHELL_LONG_ARG = new Set(['rcfile', 'init-file']);

function classifyShell(name: string, args: Word[]): ShellRun {
  let commandMode = false;
  let stdinMode = false;
  let i = 0;
  for (; i < args.length; i++) {
    const v = (args[i] as Word).value;
    if (v === '--' || v === '-') {
      i++;
      if (v === '-') stdinMode = true;
      break;
    }
    if (v.startsWith('--')) {
      if (SHELL_LONG_ARG.has(v.slice(2))) i++;
      continue;
    }
    if ((v.startsWith('-') || v.startsWith('+')) && v.length > 1) {
      for (const letter of v.slice(1)) {
        if (letter === 'c') commandMode = true;
        if (letter === 's') stdinMode = true;
        if (SHELL_ARG_OPTS.has(letter)) i++;
      }
      continue;
    }
    break;
  }
  const rest = args.slice(i);
  if (commandMode) {
    const script = rest[0];
    if (script) return { kind: 'text', via: `${name} -c`, script };
    return { kind: 'stdin', via: name };
  }
  if (stdinMode || rest.length === 0) return { kind: 'stdin', via: name };
  return { kind: 'file', via: name, file: rest[0] as Word };
}

/** How `name args` runs shell text, or undefined when it runs none. */
export function classifyShellRun(name: string, args: Word[]): ShellRun | undefined {
  if (SHELLS.has(name)) return classifyShell(name, args);
  if (name === 'eval') {
    if (args.length === 0) return undefined;
    return { kind: 'text', via: 'eval', script: joinWords(args) };
  }
  if (name === 'source' || name === '.') {
    const file = args[0];
    if (!file) return undefined;
    if (['/dev/stdin', '/proc/self/fd/0', '/dev/fd/0', '-'].includes(file.value))
      return { kind: 'stdin', via: name };
    return { kind: 'file', via: name, file };
  }
  if (name === 'su' || name === 'runuser') {
    const s = splitOptions(args, {
      shortArg: 'csgGwu',
      longArg: ['command', 'shell', 'group', 'supp-group', 'whitelist-environment', 'user'],
    });
    const c = optionValue(s.options, 'c', 'command');
    if (c) return { kind: 'text', via: `${name} -c`, script: c };
    return undefined;
  }
  if (name === 'ssh') {
    const s = splitOptions(args, { shortArg: 'BbcDEeFIiJLlmOopQRSWw', stopAtOperand: true });
    const remote = s.operands.slice(1);
    if (remote.length === 0) return undefined;
    return { kind: 'text', via: 'ssh', script: joinWords(remote), remote: true };
  }
  return undefined;
}

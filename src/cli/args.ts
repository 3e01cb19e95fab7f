// Argument parsing on node:util parseArgs, turning its errors into usage errors with a hint.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ToolgateError } from '../core/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

// Parses argv strictly; an unknown flag or a missing value is a USAGE error naming the command's --help.
export function parse<O extends Options>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new ToolgateError('USAGE', `${command}: ${(e as Error).message}`, {
      hint: `see \`toolgate ${command} --help\``,
    });
  }
}

// Parses a positive number of seconds given on the command line.
export function seconds(command: string, flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new ToolgateError(
      'USAGE',
      `${command}: ${flag} expects a positive number of seconds, got "${value}"`,
      {
        hint: `for example ${flag} 30`,
      },
    );
  }
  return n;
}

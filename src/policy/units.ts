// Splits a call into the units rules are judged on: each simple command of a Bash call, or the whole call.
import { commandLine, MAX_COMMAND_LINE } from './match-command.js';
import type { Unit } from './model.js';
import type { CallInput } from './types.js';

/** Bounds on a call's size; a call beyond them is "unknown" (see docs "Bounds"). */
export const CALL_LIMITS = {
  commands: 256,
  paths: 512,
  inputBytes: 1024 * 1024,
  inputDepth: 32,
  inputArray: 1000,
} as const;

export interface Units {
  units: Unit[];
  /** Why (part of) the call could not be judged; each makes the verdict at least the `unknown` verdict. */
  unknown: string[];
}

// Builds the units and lists whatever could not be parsed or is too large to judge.
export function splitUnits(call: CallInput): Units {
  const unknown: string[] = [];
  if (call.paths.length > CALL_LIMITS.paths) unknown.push(`touches more than ${CALL_LIMITS.paths} paths`);
  if (!inputWithinBounds(call.input))
    unknown.push('the tool input is too large or too deeply nested to judge');
  const shell = call.shell;
  if (call.tool === 'Bash' && !shell) unknown.push('the shell command was not parsed');
  if (!shell || call.tool !== 'Bash')
    return { units: [{ index: undefined, command: undefined, line: '', paths: call.paths }], unknown };
  if (shell.error) unknown.push(`the shell text does not parse: ${shell.error}`);
  for (const u of shell.unknowns) unknown.push(`${u.reason}: ${u.text}`);
  if (shell.commands.length > CALL_LIMITS.commands)
    unknown.push(`more than ${CALL_LIMITS.commands} commands`);
  if (shell.commands.length === 0)
    return { units: [{ index: undefined, command: undefined, line: '', paths: call.paths }], unknown };
  const loose = call.paths.filter((p) => p.command === undefined);
  const units = shell.commands.map((command, index): Unit => {
    const line = commandLine(command);
    if (line.length > MAX_COMMAND_LINE)
      unknown.push(`command ${index} is longer than ${MAX_COMMAND_LINE} characters`);
    if (command.dynamic && !/^[A-Za-z0-9_.+@:-]+$/.test(command.name))
      unknown.push(`the command name is not static: ${command.text}`);
    return { index, command, line, paths: [] };
  });
  for (const p of call.paths) {
    if (p.command !== undefined) units[p.command]?.paths.push(p);
  }
  // A shell path not tied to a command counts for every command (conservative).
  if (loose.length) for (const u of units) u.paths.push(...loose);
  return { units, unknown };
}

function inputWithinBounds(input: unknown): boolean {
  return spend(input, 0, CALL_LIMITS.inputBytes) >= 0;
}

// The byte budget left after v: negative once v is too large, -Infinity when it is too deep or holds too long an
// array. Strings count their length, other scalars 8, keys their length; array holes are skipped.
function spend(v: unknown, depth: number, budget: number): number {
  if (depth > CALL_LIMITS.inputDepth) return -Infinity;
  if (typeof v === 'string') return budget - v.length;
  if (v === null || typeof v !== 'object') return budget - 8;
  if (Array.isArray(v)) {
    if (v.length > CALL_LIMITS.inputArray) return -Infinity;
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) continue;
      budget = spend(v[i], depth + 1, budget);
      if (budget < 0) return budget;
    }
    return budget;
  }
  for (const k in v) {
    budget = spend((v as Record<string, unknown>)[k], depth + 1, budget - k.length);
    if (budget < 0) return budget;
  }
  return budget;
}

// The refuters that skip a CEL condition when a top-level conjunct is certainly false: never wrong, and they fire.
import { describe, expect, it } from 'vitest';
import { buildActivation, compileCel, runCel, type CelProgram } from '../../../src/policy/cel.js';
import { evaluate } from '../../../src/policy/evaluate.js';
import { splitUnits } from '../../../src/policy/units.js';
import type { CallInput } from '../../../src/policy/types.js';
import { bash, call, noRates, policyOf } from './helpers.js';

const CONDITIONS = [
  'tool == "Write"',
  '"Write" == tool',
  'tool != "Bash"',
  'tool in ["Read", "Edit"]',
  'command.name == "git"',
  '"git" == command.name && size(command.argv) > 1',
  'command.name != "git"',
  'command.name in ["git", "npm"]',
  'has(input.content)',
  'has(input.content) && size(input.content) > 3',
  'size(input.content) >= 6',
  'input.content.size() > 2',
  'size(input.content) > 5 && tool == "Write"',
  'size(input.content) > 0 && input.content.startsWith("a")',
  'size(input.content) > 9007199254740993',
  'command.name == "git" && input.nope == "x"',
  'command.name == "git" && command.argv[5] == "x"',
  'input.nope == "x" && tool == "Bash"',
  'command.name == "git" || tool == "Write"',
  '!(command.name == "git")',
  'command.name == "git" && (tool == "Bash" && has(input.command))',
];

const CALLS: CallInput[] = [
  bash('git status && npm test'),
  bash('ls -la | grep x'),
  bash('echo hi > out.txt'),
  call('Write', { file_path: 'a.txt', content: 'abc' }),
  call('Write', { file_path: 'a.txt', content: 'abcdef' }),
  call('Write', { file_path: 'a.txt', content: '😀😀😀' }),
  call('Write', { file_path: 'a.txt', content: '' }),
  call('Write', { file_path: 'a.txt', content: null }),
  call('Write', { file_path: 'a.txt', content: 12 }),
  call('Write', { file_path: 'a.txt' }),
  call('Write', { constructor: 'x', file_path: 'a.txt', content: 'a' }),
  { ...call('Edit', { file_path: 'a.txt' }), input: Object.assign(Object.create(null), { content: 'ab' }) },
  call('Read', { file_path: 'a.txt' }),
];

function compiled(source: string): CelProgram {
  const r = compileCel(source);
  if (!r.program) throw new Error(`${source}: ${r.error?.message}`);
  return r.program;
}

// What CEL itself says for each unit of the call: true, false, or the error.
function outcomes(program: CelProgram, c: CallInput) {
  const built = buildActivation(c);
  return splitUnits(c).units.map((unit) => {
    let cel: boolean | 'error';
    try {
      cel = runCel(program, built.base, unit.index, built.commands);
    } catch {
      cel = 'error';
    }
    return { refuted: program.refute?.(c, unit.command) === true, cel, unit };
  });
}

describe('CEL refuters', () => {
  it('refute only conditions CEL evaluates to false (never true, never an error)', () => {
    let refuted = 0;
    for (const source of CONDITIONS) {
      const program = compiled(source);
      for (const c of CALLS) {
        for (const o of outcomes(program, c)) {
          if (!o.refuted) continue;
          refuted++;
          expect({ source, tool: c.tool, input: c.input, command: o.unit.command?.name, cel: o.cel }).toEqual(
            {
              source,
              tool: c.tool,
              input: c.input,
              command: o.unit.command?.name,
              cel: false,
            },
          );
        }
      }
    }
    expect(refuted).toBeGreaterThan(100);
  });

  it('fire on the recognised forms and leave the rest to CEL', () => {
    const refutes = (source: string, c: CallInput) => outcomes(compiled(source), c).map((o) => o.refuted);
    expect(refutes('tool == "Write"', bash('ls'))).toEqual([true]);
    expect(refutes('command.name == "git"', bash('git status && npm test'))).toEqual([false, true]);
    expect(refutes('command.name != "git"', bash('git status && npm test'))).toEqual([true, false]);
    expect(refutes('command.name in ["git", "npm"]', bash('git x; npm y; ls'))).toEqual([false, false, true]);
    expect(refutes('has(input.content)', call('Write', { file_path: 'a' }))).toEqual([true]);
    expect(refutes('has(input.content)', call('Write', { file_path: 'a', content: null }))).toEqual([false]);
    const big = 'has(input.content) && size(input.content) > 3';
    expect(refutes(big, call('Write', { file_path: 'a', content: 'abc' }))).toEqual([true]);
    expect(refutes(big, call('Write', { file_path: 'a', content: 'abcd' }))).toEqual([false]);
    // Four code points in eight UTF-16 units: only CEL can tell.
    expect(refutes(big, call('Write', { file_path: 'a', content: '😀😀😀😀' }))).toEqual([false]);
    expect(refutes('size(input.content) >= 3', call('Write', { file_path: 'a', content: 'ab' }))).toEqual([
      true,
    ]);
    expect(refutes('input.content.size() > 2', call('Write', { file_path: 'a', content: 'ab' }))).toEqual([
      true,
    ]);
    expect(compiled('command.name == "git" || tool == "Write"').refute).toBeNull();
    expect(compiled('!(command.name == "git")').refute).toBeNull();
    expect(compiled('command.argv.exists(a, a == "-f")').refute).toBeNull();
  });

  it('keep fail-closed: a deny whose condition fails still matches when no conjunct is false', () => {
    const policy = policyOf(`
version: 1
default: allow
rules:
  - id: odd
    decision: deny
    reason: r
    tools: [Bash]
    when: command.name == "git" && input.nope == "x"
`);
    // git: the first conjunct holds, the second fails, so the rule matches (fail closed).
    const git = evaluate(policy, bash('git status'), noRates);
    expect(git.verdict).toBe('deny');
    expect(git.trace[0]?.because.join(' ')).toContain('failed');
    // ls: the first conjunct is false, so the condition is false whatever the second does.
    expect(evaluate(policy, bash('ls'), noRates).verdict).toBe('allow');
    // Both in one call: only the git command matches.
    const both = evaluate(policy, bash('ls && git status'), noRates);
    expect(both.verdict).toBe('deny');
  });

  it('skip the condition of a rule whose filters match but whose conjunct is false, as CEL would', () => {
    const policy = policyOf(`
version: 1
default: escalate
rules:
  - id: big-write
    decision: deny
    reason: too big
    tools: [Write]
    when: has(input.content) && size(input.content) > 4
  - id: writes
    decision: allow
    reason: ok
    tools: [Write]
`);
    const write = (content: unknown) =>
      evaluate(policy, call('Write', { file_path: 'a', content }), noRates).verdict;
    expect(write('abcd')).toBe('allow');
    expect(write('abcde')).toBe('deny');
    // Longer than 4 in UTF-16 units but 3 code points: CEL runs and says no.
    expect(write('😀😀😀')).toBe('allow');
    expect(write('😀😀😀😀😀')).toBe('deny');
    expect(evaluate(policy, call('Write', { file_path: 'a' }), noRates).verdict).toBe('allow');
  });
});

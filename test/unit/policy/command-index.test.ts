// Rules are narrowed by command name before matching (a memo per tool and name): the same matches, in rule order.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/policy/evaluate.js';
import { bash, noRates, policyOf } from './helpers.js';

const policy = `
version: 1
default: allow
rules:
  - id: any-word
    decision: escalate
    reason: r
    commands: ["* status"]
  - id: push
    decision: escalate
    reason: r
    commands: ["git push", { prefix: ["npm", "publish"] }]
  - id: regex
    decision: escalate
    reason: r
    commands: [{ regex: "^(git|npm) .*--force" }]
  - id: cel
    decision: escalate
    reason: r
    tools: [Bash]
    when: command.argv.exists(a, a == "--force")
  - id: git
    decision: escalate
    reason: r
    commands: ["git"]
  - id: mixed
    decision: escalate
    reason: r
    commands: ["npm", { regex: "^git status" }]
`;

describe('command-name index', () => {
  it('keeps every match, in rule order, whatever the command names', () => {
    const p = policyOf(policy);
    const rules = (cmd: string) => evaluate(p, bash(cmd), noRates).trace.map((t) => t.rule);
    expect(rules('git status')).toEqual(['any-word', 'git', 'mixed']);
    expect(rules('git push --force')).toEqual(['push', 'regex', 'cel', 'git']);
    expect(rules('npm publish --force')).toEqual(['push', 'regex', 'cel', 'mixed']);
    expect(rules('ls status')).toEqual(['any-word']);
    expect(rules('ls --force; git status')).toEqual(['cel', 'any-word', 'git', 'mixed']);
    // Twice, so the memoised lists answer the same as the first computation.
    expect(rules('git push --force')).toEqual(['push', 'regex', 'cel', 'git']);
    expect(rules('ls')).toEqual(['default']);
  });
});

// Load-time diagnostics: every problem at once, located, with expected and hint; the loader never throws.
import { describe, expect, it } from 'vitest';
import { compileText, loadPolicy } from '../../../src/policy/load.js';
import { formatDiagnostic } from '../../../src/policy/diagnostics.js';
import { checkRegexSafety } from '../../../src/policy/regex-safety.js';

const codes = (text: string) =>
  compileText('p.yaml', text).diagnostics.map((d) => `${d.code}@${d.line}:${d.col} ${d.path}`);

describe('diagnostics', () => {
  it('reports every problem of a file at once, each with line, column and field path', () => {
    const text = [
      'version: 1', //                                 1
      'rules:', //                                     2
      '  - id: a', //                                  3
      '    decision: alow', //                         4
      '    reason: x', //                              5
      '  - id: b', //                                  6
      '    decision: deny', //                         7
      '    reason: y', //                              8
      '    tools: [Bsh]', //                           9
      '    when: input.x + 1', //                      10
      '  - id: c', //                                  11
      '    decision: deny', //                         12
      '    reason: z', //                              13
      '    commands: [{regex: "(a+)+$"}]', //          14
      '    paths: [".env"]', //                        15
    ].join('\n');
    expect(codes(text)).toEqual([
      'SCHEMA@4:15 rules[0].decision',
      'UNKNOWN_TOOL@9:13 rules[1].tools[0]',
      'CEL_NOT_BOOL@10:11 rules[1].when',
      'REGEX_UNSAFE@14:24 rules[2].commands[0].regex',
      'GLOB_INVALID@15:13 rules[2].paths[0]',
    ]);
    const tool = compileText('p.yaml', text).diagnostics.find((d) => d.code === 'UNKNOWN_TOOL');
    expect(tool?.hint).toContain('did you mean "Bash"');
    expect(formatDiagnostic(tool!)).toMatch(
      /^p\.yaml:9:13: UNKNOWN_TOOL rules\[1\]\.tools\[0\]: no known tool matches "Bsh"\n  expected: .*\n  hint: /,
    );
  });

  it('type-checks CEL against the declared variables and points into the expression', () => {
    const d = compileText(
      'p.yaml',
      'version: 1\nrules:\n  - {id: a, decision: deny, reason: r, when: "command.nme == \\"x\\""}\n',
    ).diagnostics;
    expect(d[0]?.code).toBe('CEL_TYPE');
    expect(d[0]?.message).toContain('nme');
  });

  it('rejects unsafe regexes inside CEL matches() and oversized expressions', () => {
    expect(
      codes(
        'version: 1\nrules:\n  - {id: a, decision: deny, reason: r, when: \'tool.matches("(x|y)*z")\'}\n',
      )[0],
    ).toMatch(/^REGEX_UNSAFE/);
    const big = 'tool == "a" || '.repeat(200) + 'true';
    expect(codes(`version: 1\nrules:\n  - {id: a, decision: deny, reason: r, when: '${big}'}\n`)[0]).toMatch(
      /^(CEL_TOO_LARGE|SCHEMA)/,
    );
  });

  it('warns about dead and shadowed rules without failing the load', () => {
    const r = compileText(
      'p.yaml',
      `version: 1
rules:
  - {id: never, decision: deny, reason: r, when: "1 > 2"}
  - {id: all-bash, decision: deny, reason: no shell, tools: [Bash]}
  - {id: git, decision: allow, reason: git, commands: ["git status"]}
  - {id: cmd-on-read, decision: deny, reason: r, tools: [Read], commands: [ls]}
`,
    );
    expect(r.layer).toBeDefined();
    expect(r.diagnostics.map((d) => `${d.code}:${d.path}:${d.severity}`)).toEqual([
      'DEAD_RULE:rules[0].when:warning',
      'SHADOWED_RULE:rules[2]:warning',
      'DEAD_RULE:rules[3]:warning',
    ]);
  });

  it('checks duplicate ids and exceptions', () => {
    expect(
      codes(`version: 1
rules:
  - {id: a, decision: deny, reason: r, tools: [Read]}
  - {id: a, decision: deny, reason: r, tools: [Write]}
  - {id: b, decision: allow, reason: r, tools: [Read], overrides: [nope]}
  - {id: c, decision: deny, reason: r, tools: [Read], overrides: [a]}
`),
    ).toEqual([
      'DUPLICATE_ID@4:10 rules[1].id',
      'SHADOWED_RULE@5:5 rules[2]',
      'UNKNOWN_RULE@5:68 rules[2].overrides[0]',
      'OVERRIDE_INVALID@6:67 rules[3].overrides[0]',
    ]);
  });

  it('reports YAML syntax errors and unreadable files instead of throwing', () => {
    expect(codes('version: 1\nrules: [\n')[0]).toMatch(/^YAML_SYNTAX/);
    const r = loadPolicy(['/nonexistent/p.yaml', '/also/missing.yaml']);
    expect(r.policy).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['FILE_UNREADABLE', 'FILE_UNREADABLE']);
    const r2 = loadPolicy(['x.yaml'], { readFile: () => '- just\n- a list\n' });
    expect(r2.policy).toBeUndefined();
    expect(r2.diagnostics[0]?.code).toBe('SCHEMA');
  });

  it('flags regexes that backtrack and accepts ordinary ones', () => {
    for (const bad of ['(a+)+', '(a*)*b', '(a|aa)+', '(\\w+\\s?)*$', '(.)\\1', '.*a.*b.*c'])
      expect(checkRegexSafety(bad).ok, bad).toBe(false);
    for (const good of [
      '^git push( |$)',
      '^curl\\s+.*\\|\\s*sh',
      '[a-z]+@[a-z]+\\.com',
      '^(npm|yarn) (test|run)',
    ])
      expect(checkRegexSafety(good).ok, good).toBe(true);
  });
});

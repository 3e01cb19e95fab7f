// Semantics of evaluation: strictest wins, order does not matter, exceptions, defaults, layers, traces, rates.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/policy/evaluate.js';
import { bash, call, noRates, policyOf, NOW } from './helpers.js';

const base = `
version: 1
default: escalate
rules:
  - id: allow-read
    decision: allow
    reason: reading is fine
    tools: [Read]
  - id: deny-env
    decision: deny
    reason: secrets stay secret; use .env.example
    paths: ["**/.env*"]
  - id: allow-env-example
    decision: allow
    reason: the example has no secrets
    paths: ["**/.env.example"]
    overrides: [deny-env]
  - id: push
    decision: escalate
    reason: pushing publishes work
    commands: ["git push"]
  - id: git-local
    decision: allow
    reason: local git is fine
    commands: ["git status", "git diff", "git log", "git push"]
`;

describe('evaluate', () => {
  it('allows by an allow rule and records it in the trace', () => {
    const d = evaluate(policyOf(base), call('Read', { file_path: 'src/a.ts' }), noRates);
    expect(d.verdict).toBe('allow');
    expect(d.rule).toBe('allow-read');
    expect(d.trace.map((t) => t.rule)).toEqual(['allow-read']);
    expect(d.revision).toMatch(/^[0-9a-f]{16}$/);
  });

  it('lets the strictest match win whatever the order', () => {
    const d = evaluate(policyOf(base), call('Read', { file_path: '.env' }), noRates);
    expect(d.verdict).toBe('deny');
    expect(d.rule).toBe('deny-env');
    expect(d.trace.map((t) => t.rule).sort()).toEqual(['allow-read', 'deny-env']);
    expect(d.reason).toContain('secrets stay secret');
    expect(d.reason).toContain('Do not try to get around');
  });

  it('lets an exception carve an allow out of a deny of the same file', () => {
    const d = evaluate(policyOf(base), call('Read', { file_path: '/x/.env.example' }), noRates);
    expect(d.verdict).toBe('allow');
    expect(
      d.trace.some(
        (t) => t.rule.startsWith('lifted:') && t.because.some((b) => b.includes('allow-env-example')),
      ),
    ).toBe(true);
  });

  it('does not let an exception lift a deny on another path of the same command', () => {
    const d = evaluate(policyOf(base), bash('cat .env.example .env'), noRates);
    expect(d.verdict).toBe('deny');
  });

  it('judges every simple command: one escalation makes the call escalate', () => {
    const d = evaluate(policyOf(base), bash('git status && git push origin main'), noRates);
    expect(d.verdict).toBe('escalate');
    expect(d.rule).toBe('push');
    expect(d.escalation).toEqual({ to: 'human', timeoutSec: 600, onTimeout: 'deny' });
  });

  it('uses the default for a command no rule matches, even next to an allowed one', () => {
    const d = evaluate(policyOf(base), bash('git status; make deploy'), noRates);
    expect(d.verdict).toBe('escalate');
    expect(d.rule).toBe('default');
  });

  it('never allows shell text it could not parse', () => {
    const p = policyOf(base.replace('default: escalate', 'default: allow'));
    expect(evaluate(p, bash('echo $(cat /etc/passwd)'), noRates).verdict).toBe('escalate');
    expect(evaluate(p, bash("echo 'unterminated"), noRates).verdict).toBe('escalate');
    expect(evaluate(p, call('Bash', {}), noRates).verdict).toBe('escalate');
  });

  it('takes the default from the most specific layer, and a later layer cannot lift a deny', () => {
    const org = `version: 1\ndefault: deny\nrules:\n  - {id: no-web, decision: deny, reason: no web, tools: [WebFetch]}\n`;
    const proj = `version: 1\ndefault: allow\nrules:\n  - {id: web, decision: allow, reason: web ok, tools: [WebFetch]}\n`;
    const p = policyOf(org, proj);
    expect(evaluate(p, call('WebSearch', { query: 'x' }), noRates).verdict).toBe('allow');
    const d = evaluate(p, call('WebFetch', { url: 'https://x' }), noRates);
    expect(d.verdict).toBe('deny');
    expect(d.trace.map((t) => t.layer)).toEqual(['p0.yaml', 'p1.yaml']);
  });

  it('applies a rate limit per rule and names the key', () => {
    const p = policyOf(
      `version: 1\ndefault: deny\nrules:\n  - id: fetch\n    decision: allow\n    reason: fetching is ok in moderation\n    tools: [WebFetch]\n    rate: {max: 2, window: 60s, beyond: escalate}\n`,
    );
    const seen: [string, number][] = [];
    const under = evaluate(p, call('WebFetch', { url: 'u' }), { count: (k, s) => (seen.push([k, s]), 1) });
    expect(under.verdict).toBe('allow');
    expect(seen[0]?.[1]).toBe(NOW - 60_000);
    expect(under.rateKeys).toHaveLength(1);
    const over = evaluate(p, call('WebFetch', { url: 'u' }), { count: () => 2 });
    expect(over.verdict).toBe('escalate');
    expect(over.trace[0]?.because.join(' ')).toContain('rate limit reached');
  });

  it('evaluates CEL conditions over the typed input, failing closed on errors', () => {
    const p = policyOf(`version: 1
default: allow
rules:
  - id: big-write
    decision: escalate
    reason: large writes need a look
    tools: [Write]
    when: size(input.content) > 10
  - id: no-force
    decision: deny
    reason: no force push
    commands: ["git push"]
    when: command.argv.exists(a, a == "--force" || a == "-f")
  - id: night
    decision: deny
    reason: nothing at night
    when: now.getHours("UTC") < 6
`);
    expect(evaluate(p, call('Write', { file_path: 'a', content: 'short' }), noRates).verdict).toBe('allow');
    expect(
      evaluate(p, call('Write', { file_path: 'a', content: 'much longer content' }), noRates).verdict,
    ).toBe('escalate');
    // input.content missing: the condition errors, and a non-allow rule fails closed.
    const d = evaluate(p, call('Write', { file_path: 'a' }), noRates);
    expect(d.verdict).toBe('escalate');
    expect(d.trace[0]?.because.join(' ')).toContain('treated as matched');
    expect(evaluate(p, bash('git push origin main'), noRates).verdict).toBe('allow');
    expect(evaluate(p, bash('git status; git push --force'), noRates).verdict).toBe('deny');
    expect(
      evaluate(p, call('Read', { file_path: 'a' }, { now: Date.parse('2026-03-02T03:00:00Z') }), noRates)
        .verdict,
    ).toBe('deny');
  });

  it('matches allow path rules only when every path matches', () => {
    const p = policyOf(`version: 1
default: escalate
rules:
  - id: ws-writes
    decision: allow
    reason: the workspace is yours
    paths: ["\${cwd}/**"]
    access: [write, delete]
  - id: outside
    decision: deny
    reason: stay in the workspace
    access: [write, delete]
    paths_not: ["\${cwd}/**", "/tmp/**"]
`);
    expect(evaluate(p, bash('rm -rf build'), noRates).verdict).toBe('allow');
    expect(evaluate(p, bash('rm -rf build /etc/x'), noRates).verdict).toBe('deny');
    expect(evaluate(p, bash('cp a /tmp/b'), noRates).verdict).toBe('escalate');
    expect(evaluate(p, call('Write', { file_path: '../other/x' }), noRates).verdict).toBe('deny');
    expect(evaluate(p, call('Write', { file_path: 'sub/../x' }), noRates).verdict).toBe('allow');
  });

  it('runs in observe mode when a layer asks for it', () => {
    const p = policyOf(
      `version: 1\nmode: observe\nrules:\n  - {id: d, decision: deny, reason: no, tools: [Read]}\n`,
    );
    const d = evaluate(p, call('Read', { file_path: 'a' }), noRates);
    expect(d.verdict).toBe('deny');
    expect(d.observe).toBe(true);
  });
});

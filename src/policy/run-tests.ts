// Runs policy test cases (inline `tests:` and case files) against a compiled policy.
import { evaluate } from './evaluate.js';
import type { CompiledPolicy } from './model.js';
import { prepareCall, type PrepareDeps } from './prepare.js';
import type { TestCaseDoc } from './schema.js';
import type { Decision, RateFacts, Verdict } from './types.js';

/** Where test calls happen unless a case says otherwise. */
export const TEST_DEFAULTS = {
  cwd: '/home/user/project',
  home: '/home/user',
  worker: 'test',
  now: '2026-01-05T12:00:00Z',
} as const;

export interface TestResult {
  file: string;
  name: string;
  pass: boolean;
  expected: { verdict: Verdict; rule?: string };
  got: { verdict: Verdict; rule: string };
  decision: Decision;
}

const NO_RATES: RateFacts = { count: () => 0 };

// Runs the cases of one file; each result says what was expected and what came out.
export function runTestCases(
  policy: CompiledPolicy,
  file: string,
  cases: readonly TestCaseDoc[],
  deps: PrepareDeps,
): TestResult[] {
  return cases.map((tc) => {
    const c = tc.call;
    const home = c.home ?? TEST_DEFAULTS.home;
    const now = Date.parse(c.now ?? TEST_DEFAULTS.now);
    const call = prepareCall(
      {
        session_id: 'test-session',
        cwd: c.cwd ?? TEST_DEFAULTS.cwd,
        hook_event_name: 'PreToolUse',
        tool_name: c.tool,
        tool_input: c.input,
        tool_use_id: 'test',
        ...(c.agent ? { agent_id: c.agent.id, agent_type: c.agent.type } : {}),
      },
      { worker: c.worker ?? TEST_DEFAULTS.worker, home, now },
      deps,
    );
    const decision = evaluate(policy, call, NO_RATES);
    const pass = decision.verdict === tc.expect && (tc.rule === undefined || tc.rule === decision.rule);
    return {
      file,
      name: tc.name,
      pass,
      expected: { verdict: tc.expect, ...(tc.rule !== undefined ? { rule: tc.rule } : {}) },
      got: { verdict: decision.verdict, rule: decision.rule },
      decision,
    };
  });
}

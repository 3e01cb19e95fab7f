// Every shipped policy loads cleanly (with the floor) and passes its own inline tests; the JSON Schema is current.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../../src/policy/load.js';
import { runTestCases, TEST_DEFAULTS } from '../../../src/policy/run-tests.js';
import { parseShellFallback } from '../../../src/policy/fallback-shell.js';
import { resolvePathLexically } from '../../../src/policy/resolve-path.js';
import { formatDiagnostic } from '../../../src/policy/diagnostics.js';
import { generatePolicyJsonSchema } from '../../../src/policy/schema.js';

const dir = path.resolve('policies');
const deps = { parseShell: parseShellFallback, resolvePath: resolvePathLexically };

describe.each(['default.yaml', 'readonly.yaml', 'strict.yaml'])('policies/%s', (name) => {
  const file = path.join(dir, name);
  const { policy, diagnostics, layers } = loadPolicy([file], {
    floor: {
      stateDir: '/tmp/toolgate-state',
      policyFiles: [file],
      pluginDir: '/opt/toolgate/plugin',
      home: TEST_DEFAULTS.home,
      workspace: TEST_DEFAULTS.cwd,
    },
  });

  it('loads without errors or warnings', () => {
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(policy).toBeDefined();
  });

  it('has inline tests', () => {
    expect(layers[0]?.tests.length).toBeGreaterThan(5);
  });

  it('passes its inline tests', () => {
    if (!policy) throw new Error('policy did not load');
    const results = runTestCases(policy, file, layers[0]?.tests ?? [], deps);
    const failures = results
      .filter((r) => !r.pass)
      .map((r) => `${r.name}: expected ${JSON.stringify(r.expected)}, got ${JSON.stringify(r.got)}`);
    expect(failures).toEqual([]);
  });
});

describe('policies/policy.schema.json', () => {
  it('matches the zod schema (UPDATE_SCHEMA=1 regenerates it)', () => {
    const want = JSON.stringify(generatePolicyJsonSchema(), null, 2) + '\n';
    const file = path.join(dir, 'policy.schema.json');
    if (process.env['UPDATE_SCHEMA'] === '1') writeFileSync(file, want);
    expect(readFileSync(file, 'utf8')).toBe(want);
  });
});

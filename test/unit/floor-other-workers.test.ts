// The floor keeps a worker out of the other live workers' workspaces, whatever the policy layers allow.
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, loadPolicy, prepareCall, type CompiledPolicy } from '../../src/policy/index.js';
import { initShellParser, parseShell, resolvePath } from '../../src/shell/index.js';
import { DEFAULT_POLICY } from '../../src/core/package-paths.js';

const noRates = { count: () => 0 };
let policy: CompiledPolicy;

beforeAll(async () => {
  await initShellParser();
  const r = loadPolicy([DEFAULT_POLICY], {
    floor: {
      stateDir: '/tmp/state',
      policyFiles: [DEFAULT_POLICY],
      pluginDir: '/opt/toolgate/plugin',
      home: '/home/dev',
      workspace: '/tmp/a',
    },
  });
  policy = r.policy!;
});

function decide(command: string, others: string[]) {
  const call = prepareCall(
    {
      session_id: 's',
      cwd: '/tmp/a',
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command },
      tool_use_id: 't',
    },
    { worker: 'a', home: '/home/dev', now: 0 },
    { parseShell, resolvePath },
  );
  call.otherWorkspaces = others;
  return evaluate(policy, call, noRates);
}

describe("floor: other workers' workspaces", () => {
  it("denies deleting or writing another worker's workspace, even under /tmp where the policy allows it", () => {
    expect(decide('rm -rf /tmp/b', []).verdict).toBe('allow'); // no other worker there: temporary files
    const d = decide('rm -rf /tmp/b', ['/tmp/b']);
    expect(d.verdict).toBe('deny');
    expect(d.rule).toBe('floor:protect-other-workers');
    expect(decide('echo x > /tmp/b/src/main.ts', ['/tmp/b']).verdict).toBe('deny');
  });

  it('still allows reading it, and working in its own workspace', () => {
    expect(decide('cat /tmp/b/README.md', ['/tmp/b']).verdict).toBe('allow');
    expect(decide('rm -rf /tmp/a/build', ['/tmp/b']).verdict).toBe('allow');
  });
});

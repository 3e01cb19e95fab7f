// Loads policies/default.yaml once (with the floor) and judges calls through the real shell parser and path resolver.
import path from 'node:path';
import { loadPolicy } from '../../../src/policy/load.js';
import { evaluate } from '../../../src/policy/evaluate.js';
import { prepareCall } from '../../../src/policy/prepare.js';
import { formatDiagnostic } from '../../../src/policy/diagnostics.js';
import { initShellParser, parseShell } from '../../../src/shell/parse.js';
import { resolvePath } from '../../../src/shell/paths.js';
import { expandGlob } from '../../../src/shell/globs.js';
import type { CompiledPolicy } from '../../../src/policy/model.js';
import type { Decision } from '../../../src/policy/types.js';

/** The workspace and home the corpora are judged with (neither exists on disk, so paths resolve lexically). */
export const CWD = '/srv/ws';
export const HOME = '/home/dev';
export const POLICY_FILE = path.resolve('policies/default.yaml');

let policy: CompiledPolicy | undefined;

export async function loadDefault(): Promise<CompiledPolicy> {
  if (policy) return policy;
  await initShellParser();
  const r = loadPolicy([POLICY_FILE], {
    floor: {
      stateDir: '/run/toolgate-test',
      policyFiles: [POLICY_FILE],
      pluginDir: '/opt/toolgate/plugin',
      home: HOME,
      workspace: CWD,
    },
  });
  if (!r.policy) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  policy = r.policy;
  return policy;
}

export function judge(
  tool: string,
  input: Record<string, unknown>,
  opts: { cwd?: string; home?: string } = {},
): Decision {
  if (!policy) throw new Error('call loadDefault() first');
  const call = prepareCall(
    {
      session_id: 's',
      cwd: opts.cwd ?? CWD,
      hook_event_name: 'PreToolUse',
      tool_name: tool,
      tool_input: input,
      tool_use_id: 't',
    },
    { worker: 'w', home: opts.home ?? HOME, now: Date.parse('2026-03-02T10:00:00Z') },
    { parseShell, resolvePath, expandGlob },
  );
  return evaluate(policy, call, { count: () => 0 });
}

export const bash = (command: string, opts?: { cwd?: string; home?: string }): Decision =>
  judge('Bash', { command }, opts);

/** A table row: a Bash command (string) or [tool, input], and the verdict expected. */
export type Case = string | [string, Record<string, unknown>];

export function decide(c: Case): Decision {
  return typeof c === 'string' ? bash(c) : judge(c[0], c[1]);
}

export function label(c: Case): string {
  return typeof c === 'string' ? c : `${c[0]} ${JSON.stringify(c[1])}`;
}

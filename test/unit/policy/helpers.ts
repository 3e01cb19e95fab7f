// Test helpers: compile policy text, build calls by hand or from a command line, count nothing for rates.
import { compileText } from '../../../src/policy/load.js';
import { assemblePolicy } from '../../../src/policy/assemble.js';
import { buildFloor, type FloorContext } from '../../../src/policy/floor.js';
import type { CompiledPolicy } from '../../../src/policy/model.js';
import { prepareCall } from '../../../src/policy/prepare.js';
import { parseShellFallback } from '../../../src/policy/fallback-shell.js';
import { resolvePathLexically } from '../../../src/policy/resolve-path.js';
import { formatDiagnostic } from '../../../src/policy/diagnostics.js';
import type { CallInput, RateFacts } from '../../../src/policy/types.js';

export const HOME = '/home/user';
export const CWD = '/home/user/project';
export const NOW = Date.parse('2026-03-02T10:00:00Z');

export const noRates: RateFacts = { count: () => 0 };

// Compiles YAML text into a policy (throws with formatted diagnostics on error, for terse tests).
export function policyOf(...texts: string[]): CompiledPolicy {
  const layers = texts.map((t, i) => {
    const r = compileText(`p${i}.yaml`, t);
    if (!r.layer) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
    return r.layer;
  });
  return assemblePolicy(layers);
}

// Same, with the floor on top.
export function policyWithFloor(floor: Partial<FloorContext>, ...texts: string[]): CompiledPolicy {
  const p = policyOf(...texts);
  return assemblePolicy([buildFloor({ ...FLOOR, ...floor }), ...p.layers]);
}

export const FLOOR: FloorContext = {
  stateDir: '/run/toolgate',
  policyFiles: ['/etc/toolgate/default.yaml'],
  pluginDir: '/opt/toolgate/plugin',
  home: HOME,
  workspace: CWD,
  supervisorPid: 4242,
};

// Builds a call from a tool name and input, parsing Bash with the fallback parser.
export function call(
  tool: string,
  input: Record<string, unknown>,
  extra: Partial<CallInput> = {},
): CallInput {
  const c = prepareCall(
    {
      session_id: 's1',
      cwd: extra.cwd ?? CWD,
      hook_event_name: 'PreToolUse',
      tool_name: tool,
      tool_input: input,
      tool_use_id: 't1',
    },
    { worker: 'w1', home: HOME, now: NOW },
    { parseShell: parseShellFallback, resolvePath: resolvePathLexically },
  );
  return { ...c, ...extra };
}

// A Bash call.
export function bash(command: string): CallInput {
  return call('Bash', { command });
}

// A small built-in rule set, used until policy files are loaded: allow by default, deny a few plainly
// destructive shell commands, escalate pushes and publishes to a person.
import type { Decision, HookPayload } from '../policy/types.js';
import type { Decider } from './decider.js';
import type { WorkerRecord } from '../workers/registry.js';

interface BuiltinRule {
  id: string;
  verdict: 'deny' | 'escalate';
  pattern: RegExp;
  reason: string;
}

const RULES: BuiltinRule[] = [
  {
    id: 'builtin.rm-recursive-root',
    verdict: 'deny',
    pattern: /\brm\s+(-[a-zA-Z]*[rR][a-zA-Z]*\s+)+(\/|~|\$HOME)(\s|$)/,
    reason: 'deleting the root or home directory is never allowed',
  },
  {
    id: 'builtin.curl-pipe-shell',
    verdict: 'deny',
    pattern: /\b(curl|wget)\b[^|]*\|\s*(sudo\s+)?(ba|z|da)?sh\b/,
    reason: 'downloading and running code is not allowed',
  },
  {
    id: 'builtin.git-push',
    verdict: 'escalate',
    pattern: /\bgit\s+push\b/,
    reason: 'publishing to a shared repository needs a person',
  },
];

export function createBuiltinDecider(revision = 'builtin-1'): Decider {
  return {
    decide(_worker: WorkerRecord, payload: HookPayload): Decision {
      const command = payload.tool_name === 'Bash' ? String(payload.tool_input.command ?? '') : '';
      const hits = RULES.filter((r) => r.pattern.test(command));
      const worst = hits.find((h) => h.verdict === 'deny') ?? hits[0];
      const trace = hits.map((h) => ({
        rule: h.id,
        layer: 'builtin',
        verdict: h.verdict,
        reason: h.reason,
        because: [`command matched ${h.pattern}`],
      }));
      if (!worst)
        return {
          verdict: 'allow',
          rule: 'default',
          reason: 'allowed by default',
          trace,
          revision,
          observe: false,
          rateKeys: [],
        };
      return {
        verdict: worst.verdict,
        rule: worst.id,
        reason:
          worst.verdict === 'deny'
            ? `toolgate denied this tool call: ${worst.reason}. Do not try to work around this; stop and report it.`
            : worst.reason,
        trace,
        revision,
        observe: false,
        rateKeys: [],
        ...(worst.verdict === 'escalate'
          ? { escalation: { to: 'human' as const, timeoutSec: 600, onTimeout: 'deny' as const } }
          : {}),
      };
    },
    problems: () => [],
    close: () => undefined,
  };
}

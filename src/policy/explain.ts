// Renders a decision and its trace for people, in the spirit of `opa eval --explain`.
import type { Decision } from './types.js';

// Lines: the verdict and deciding rule, then each matched rule with why it matched.
export function explainDecision(d: Decision): string {
  const lines = [
    `decision: ${d.verdict}${d.observe ? ' (observe mode: not enforced)' : ''}`,
    `rule:     ${d.rule}`,
    `revision: ${d.revision}`,
  ];
  if (d.escalation)
    lines.push(
      `escalate: to ${d.escalation.to}, ${d.escalation.timeoutSec}s, then ${d.escalation.onTimeout}`,
    );
  lines.push(`reason:   ${d.reason}`, '', 'matched:');
  if (d.trace.length === 0) lines.push('  (nothing)');
  for (const t of d.trace) {
    lines.push(`  ${t.verdict.padEnd(8)} ${t.rule}  [${t.layer}]`);
    for (const b of t.because) lines.push(`           - ${b}`);
  }
  if (d.rateKeys.length)
    lines.push('', `rate keys: ${d.rateKeys.map((k) => k.replace(/\u0000/g, '/')).join(', ')}`);
  return lines.join('\n');
}

// Merges compiled layers (floor first, then general to specific) into one policy with a revision hash.
import { createHash } from 'node:crypto';
import type { CompiledLayer, CompiledPolicy } from './model.js';
import { DEFAULT_ESCALATION } from './model.js';
import type { Verdict } from './types.js';

/** Verdict for calls no rule matches when no layer sets a default. */
export const BUILT_IN_DEFAULT: Verdict = 'escalate';

// Merge rules: all rules of all layers apply (strictest wins); default, unknown and escalation come from the most
// specific layer that sets them; observe if any layer or the caller asks for it; the floor always comes first.
export function assemblePolicy(layers: CompiledLayer[], opts: { observe?: boolean } = {}): CompiledPolicy {
  const ordered = [...layers.filter((l) => l.isFloor), ...layers.filter((l) => !l.isFloor)];
  let def: Verdict = BUILT_IN_DEFAULT;
  let defaultFrom = 'built-in';
  let unknown: 'escalate' | 'deny' = 'escalate';
  let escalation = DEFAULT_ESCALATION;
  for (const l of ordered) {
    if (l.default) {
      def = l.default;
      defaultFrom = l.name;
    }
    if (l.unknown) unknown = l.unknown;
    if (l.escalation) escalation = l.escalation;
  }
  const revision = createHash('sha256')
    .update(
      ordered.map((l) => `${l.name}\u0000${l.hash}`).join('\u0001') + (opts.observe ? '\u0002observe' : ''),
    )
    .digest('hex')
    .slice(0, 16);
  return {
    layers: ordered,
    rules: ordered.flatMap((l) => l.rules),
    revision,
    default: def,
    defaultFrom,
    unknown,
    observe: opts.observe === true || ordered.some((l) => l.observe),
    escalation,
    byTool: new Map(),
    byCommand: new Map(),
  };
}

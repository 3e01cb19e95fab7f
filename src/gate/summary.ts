// The tool input as the audit trail keeps it: secrets redacted, long contents cut with their hash.
import { redactInput } from '../audit/index.js';

export function redactSummary(
  tool: string,
  input: Record<string, unknown>,
): {
  input: Record<string, unknown>;
  redacted?: string[];
  truncated?: { path: string; bytes: number; sha256: string }[];
} {
  const r = redactInput(tool, input);
  return {
    input: r.input as Record<string, unknown>,
    ...(r.redacted.length ? { redacted: r.redacted } : {}),
    ...(r.truncated.length ? { truncated: r.truncated } : {}),
  };
}

// The tool input as the audit trail keeps it: secrets redacted, long contents cut with their hash.
import { cutInput } from './event-writer.js';

export function redactSummary(_tool: string, input: Record<string, unknown>): unknown {
  return cutInput(input);
}

// Test helpers: temp trails, sample records, and line-level surgery on trail files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuditRecordInput } from '../../../src/audit/schema.js';

// Makes an empty temp directory for one test.
export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'toolgate-audit-'));
}

// A decision record body for call number `i`.
export function sampleDecision(i: number, over: Partial<Record<string, unknown>> = {}): AuditRecordInput {
  return {
    kind: 'decision',
    decision_id: `d${i}`,
    worker: i % 2 ? 'alpha' : 'beta',
    session: 's1',
    tool_use_id: `toolu_${i}`,
    tool: 'Bash',
    input: { command: `echo ${i}` },
    verdict: 'allow',
    rule: 'allow-echo',
    rules: ['allow-echo'],
    revision: 'rev1',
    decided_by: 'policy',
    latency_ms: 1,
    ...over,
  } as AuditRecordInput;
}

// Reads a file's lines (without the final empty string after the last newline).
export function readLines(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

// Rewrites a file from lines, each followed by a newline.
export function writeLines(file: string, lines: string[]): void {
  fs.writeFileSync(file, lines.map((l) => l + '\n').join(''));
}

// A fixed clock that advances one second per call.
export function steppingClock(start = Date.UTC(2025, 0, 1)): () => number {
  let t = start;
  return () => (t += 1000);
}

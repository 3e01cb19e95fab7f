// Reads a Claude Code transcript (JSONL) tolerantly and extracts the last turn, its reply and its outcome.
import { readFileSync } from 'node:fs';
import { ToolgateError } from '../core/errors.js';
import {
  readBlocks,
  hasAssistantText,
  isInterruptText,
  isObject,
  isRealPrompt,
  isRejectedToolResult,
  joinTextBlocks,
  readStringField,
} from './transcript-content.js';
import type { TranscriptRecord, Turn } from './transcript-types.js';

export type {
  ContentBlock,
  RenderOptions,
  TranscriptMessage,
  TranscriptRecord,
  Turn,
} from './transcript-types.js';
export { renderTurnMarkdown } from './transcript-render.js';
export { encodeProjectDirName, transcriptPathFor } from './transcript-path.js';

// Reads every parsable record of a transcript; torn, blank or non-record lines are skipped.
export function readTranscript(path: string): TranscriptRecord[] {
  return parseTranscript(readTranscriptText(path));
}

// Reads the file, turning a missing or unreadable transcript into a TRANSCRIPT error with a hint.
function readTranscriptText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ToolgateError(
      'TRANSCRIPT',
      `${missing ? 'no transcript at' : 'cannot read transcript'} ${path}`,
      {
        cause,
        hint: missing
          ? 'Claude Code writes the transcript after the first prompt; send the worker a prompt first'
          : 'check the file permissions of the worker transcript',
        details: { path },
      },
    );
  }
}

// Parses JSONL text into records, skipping lines that are not JSON objects with a string `type`.
export function parseTranscript(text: string): TranscriptRecord[] {
  const records: TranscriptRecord[] = [];
  for (const line of text.split('\n')) {
    const record = parseRecordLine(line);
    if (record) records.push(record);
  }
  return records;
}

// Parses one line, or returns undefined for a blank, torn or foreign line.
function parseRecordLine(line: string): TranscriptRecord | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (!isObject(value) || typeof value.type !== 'string') return undefined;
  if (value.message !== undefined && !isObject(value.message)) delete value.message;
  return value as TranscriptRecord;
}

// Returns the last turn: from the last real prompt of the main chain to the end, or undefined without one.
export function lastTurn(records: readonly TranscriptRecord[]): Turn | undefined {
  const main = records.filter((r) => r.isSidechain !== true);
  const start = findLastIndex(main, isRealPrompt);
  const prompt = main[start];
  if (prompt === undefined) return undefined;
  return {
    prompt,
    promptText: joinTextBlocks(prompt),
    promptId: typeof prompt.promptId === 'string' ? prompt.promptId : undefined,
    records: dropDuplicateUuids(main.slice(start)),
  };
}

// Keeps the first copy of records that appear twice with the same uuid (resumed sessions can repeat lines).
function dropDuplicateUuids(records: TranscriptRecord[]): TranscriptRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    if (typeof r.uuid !== 'string') return true;
    if (seen.has(r.uuid)) return false;
    seen.add(r.uuid);
    return true;
  });
}

// Returns the index of the last element matching the predicate, or -1.
function findLastIndex<T>(items: readonly T[], matches: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) {
    if (matches(items[i] as T)) return i;
  }
  return -1;
}

// Returns the text of the turn's last assistant message that has text, joining the blocks of all its records.
export function finalAssistantText(turn: Turn): string {
  const last = findLastIndex(turn.records, hasAssistantText);
  const record = turn.records[last];
  if (record === undefined) return '';
  const parts = collectMessageRecords(turn.records, record).flatMap(listTextBlocks);
  return parts.join('\n\n');
}

// Returns the records of the API message `record` belongs to (same `message.id`), in file order.
function collectMessageRecords(
  records: readonly TranscriptRecord[],
  record: TranscriptRecord,
): TranscriptRecord[] {
  const id = record.message?.id;
  if (typeof id !== 'string' || id === '') return [record];
  return records.filter((r) => r.type === 'assistant' && r.message?.id === id);
}

// Returns the non-blank text blocks of an assistant record, in order.
function listTextBlocks(record: TranscriptRecord): string[] {
  return readBlocks(record)
    .filter((b) => b.type === 'text')
    .map((b) => readStringField(b, 'text'))
    .filter((text) => text.trim() !== '');
}

// Returns true when the turn ended in an interrupt (marker text or rejected tool) with no assistant text after it.
export function turnInterrupted(turn: Turn): boolean {
  const marker = findLastIndex(turn.records, (r) => isInterruptText(r) || isRejectedToolResult(r));
  if (marker < 0) return false;
  return !turn.records.slice(marker + 1).some(hasAssistantText);
}

// Reads message content tolerantly: null, string or block arrays, and tool_result content of either shape.
import type { ContentBlock, TranscriptRecord } from './transcript-types.js';

const INTERRUPT_PREFIX = '[Request interrupted by user';
/** Start of the tool_result text Claude Code writes when a person answers "No" to a permission dialog. */
const REJECTED_PREFIX = "The user doesn't want to proceed with this tool use";
/** The `toolUseResult` value Claude Code stores on a rejected tool_result record. */
const REJECTED_TOOL_USE_RESULT = 'User rejected tool use';
/** Prompt-shaped user records that are not prompts: slash commands, their output, `!` shell lines. */
const NOT_A_PROMPT_PREFIXES = [
  '<command-name>',
  '<command-message>',
  '<command-args>',
  '<local-command-',
  '<bash-input>',
  '<bash-stdout>',
  '<bash-stderr>',
  INTERRUPT_PREFIX,
];

// Returns true for a plain object (not null, not an array).
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Normalises `message.content` into blocks: a string becomes one text block; null and junk become none.
export function readBlocks(record: TranscriptRecord): ContentBlock[] {
  const content = record.message?.content;
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  return content.filter((b): b is ContentBlock => isObject(b) && typeof b.type === 'string');
}

// Returns a block's string field, or '' when it is missing or not a string.
export function readStringField(block: ContentBlock, key: string): string {
  const value = block[key];
  return typeof value === 'string' ? value : '';
}

// Joins the text blocks of a record with newlines ('' when it has none).
export function joinTextBlocks(record: TranscriptRecord): string {
  return readBlocks(record)
    .filter((b) => b.type === 'text')
    .map((b) => readStringField(b, 'text'))
    .join('\n');
}

// Renders tool_result content as text: a string as is, block arrays as their text, never "[object Object]".
export function extractToolResultText(block: ContentBlock): string {
  const content = block.content;
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(describeResultPart).join('\n');
  return JSON.stringify(content);
}

// Renders one part of an array tool_result: text as text, anything else as a short placeholder.
function describeResultPart(part: unknown): string {
  if (typeof part === 'string') return part;
  if (!isObject(part)) return JSON.stringify(part) ?? '';
  if (part.type === 'text' && typeof part.text === 'string') return part.text;
  return `[${typeof part.type === 'string' ? part.type : 'unknown'}]`;
}

// Returns true for a user record a person (or the SDK) typed as a prompt, per claude-code-facts section 6.
export function isRealPrompt(record: TranscriptRecord): boolean {
  if (record.type !== 'user' || record.isSidechain === true) return false;
  if (record.isMeta === true || record.isCompactSummary === true) return false;
  const blocks = readBlocks(record);
  if (blocks.some((b) => b.type === 'tool_result')) return false;
  if (!blocks.some((b) => b.type === 'text')) return false;
  const text = joinTextBlocks(record).trimStart();
  return !NOT_A_PROMPT_PREFIXES.some((prefix) => text.startsWith(prefix));
}

// Returns true for the `[Request interrupted by user...]` text record an interrupt writes.
export function isInterruptText(record: TranscriptRecord): boolean {
  if (record.type !== 'user') return false;
  return readBlocks(record).some(
    (b) => b.type === 'text' && readStringField(b, 'text').trimStart().startsWith(INTERRUPT_PREFIX),
  );
}

// Returns true for a tool_result record a person rejected (dialog "No"/Esc) or interrupted mid-run.
export function isRejectedToolResult(record: TranscriptRecord): boolean {
  if (record.type !== 'user') return false;
  const results = readBlocks(record).filter((b) => b.type === 'tool_result');
  if (results.length === 0) return false;
  if (record.toolUseResult === REJECTED_TOOL_USE_RESULT) return true;
  return results.some((b) => b.is_error === true && isRejectionText(extractToolResultText(b)));
}

// Returns true for the texts of a rejection or a user interrupt (not a hook's or a rule's deny).
function isRejectionText(text: string): boolean {
  const start = text.trimStart();
  return start.startsWith(REJECTED_PREFIX) || start.startsWith(INTERRUPT_PREFIX);
}

// Returns true for an assistant record holding at least one non-blank text block.
export function hasAssistantText(record: TranscriptRecord): boolean {
  if (record.type !== 'assistant') return false;
  return readBlocks(record).some((b) => b.type === 'text' && readStringField(b, 'text').trim() !== '');
}

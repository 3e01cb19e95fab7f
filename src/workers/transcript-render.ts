// Renders a turn as markdown (the read-turn format): prompt, thinking, text, tool calls and their results.
import {
  readBlocks,
  isInterruptText,
  joinTextBlocks,
  readStringField,
  extractToolResultText,
} from './transcript-content.js';
import type { ContentBlock, RenderOptions, TranscriptRecord, Turn } from './transcript-types.js';

/** Result lines shown when not rendering in full. */
const PREVIEW_LINES = 5;

// Renders the turn; every item is followed by a blank line. Tool results are cut to 5 lines unless `full`.
export function renderTurnMarkdown(turn: Turn, options: RenderOptions): string {
  const items = [renderPrompt(turn.promptText)];
  for (const record of turn.records) {
    if (record === turn.prompt) continue;
    items.push(...renderRecord(record, options));
  }
  return items.map((item) => item + '\n\n').join('');
}

// Renders the prompt as a rule plus a bold label.
function renderPrompt(text: string): string {
  return `---\n\n**Prompt:** ${text}`;
}

// Renders the items of one record; records that are neither assistant output nor tool results render nothing.
function renderRecord(record: TranscriptRecord, options: RenderOptions): string[] {
  if (record.type === 'assistant') return readBlocks(record).flatMap(renderAssistantBlock);
  if (record.type !== 'user' || record.isMeta === true || record.isCompactSummary === true) return [];
  if (isInterruptText(record)) return [joinTextBlocks(record).trim()];
  return readBlocks(record)
    .filter((b) => b.type === 'tool_result')
    .map((b) => renderToolResult(b, options));
}

// Renders one assistant block: thinking as a blockquote, text verbatim, tool use as a json fence.
function renderAssistantBlock(block: ContentBlock): string[] {
  if (block.type === 'thinking') return renderThinking(readStringField(block, 'thinking'));
  if (block.type === 'text') return renderText(readStringField(block, 'text'));
  if (block.type === 'tool_use') return [renderToolUse(block)];
  return [];
}

// Renders thinking as a `> **Thinking:**` blockquote (nothing for empty or signature-only thinking).
function renderThinking(thinking: string): string[] {
  if (thinking.trim() === '') return [];
  return ['> **Thinking:** ' + thinking.split('\n').join('\n> ')];
}

// Renders assistant text verbatim (nothing for blank text).
function renderText(text: string): string[] {
  return text.trim() === '' ? [] : [text];
}

// Renders a tool call as its name plus its input as compact JSON.
function renderToolUse(block: ContentBlock): string {
  const name = readStringField(block, 'name') || '(unnamed tool)';
  const input = JSON.stringify(block.input ?? {});
  return `**Tool: ${name}**\n` + wrapInFence(input, 'json');
}

// Renders a tool result (or, when is_error, a tool error) in a fence, cut to 5 lines unless full.
function renderToolResult(block: ContentBlock, options: RenderOptions): string {
  const label = block.is_error === true ? '**Tool Error:**' : '**Result:**';
  const text = extractToolResultText(block).replace(/\n+$/, '');
  const body = text === '' ? '(no output)' : options.full ? text : cutToPreview(text);
  return `${label}\n` + wrapInFence(body, '');
}

// Keeps the first lines of a long text and says how many lines there were.
function cutToPreview(text: string): string {
  const lines = text.split('\n');
  if (lines.length <= PREVIEW_LINES) return text;
  return `${lines.slice(0, PREVIEW_LINES).join('\n')}\n... (${lines.length} lines total)`;
}

// Wraps text in a code fence longer than any backtick run inside it, so content cannot close it early.
function wrapInFence(body: string, info: string): string {
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const marks = '`'.repeat(Math.max(3, longestRun + 1));
  return `${marks}${info}\n${body}\n${marks}`;
}

// Types for Claude Code transcript JSONL records, kept loose: unknown fields and record types pass through.

/** One content block of a message (`text`, `thinking`, `tool_use`, `tool_result`, `image`, ...). */
export interface ContentBlock {
  type: string;
  [key: string]: unknown;
}

/** The `message` of a user or assistant record. `content` may be null, a string or an array of blocks. */
export interface TranscriptMessage {
  id?: string;
  role?: string;
  content?: unknown;
  stop_reason?: string | null;
  [key: string]: unknown;
}

/** One parsed line of a transcript. Only `type` is guaranteed to be a string. */
export interface TranscriptRecord {
  type: string;
  uuid?: string;
  parentUuid?: string | null;
  isSidechain?: boolean;
  isMeta?: boolean;
  isCompactSummary?: boolean;
  promptId?: string;
  subtype?: string;
  timestamp?: string;
  message?: TranscriptMessage;
  toolUseResult?: unknown;
  [key: string]: unknown;
}

/** The last turn: the last real prompt and every main-chain record after it. */
export interface Turn {
  /** The user record that opened the turn. */
  prompt: TranscriptRecord;
  /** The prompt's text (string content, or its text blocks joined by newlines). */
  promptText: string;
  /** `promptId` of the prompt record (equals the hooks' `prompt_id`), when the record carries one. */
  promptId: string | undefined;
  /** Main-chain records from the prompt (inclusive) to the end of the transcript, in file order. */
  records: TranscriptRecord[];
}

/** Options for renderTurnMarkdown. */
export interface RenderOptions {
  /** Show complete tool results instead of the first 5 lines. */
  full: boolean;
}

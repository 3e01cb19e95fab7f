// A scripted stand-in for the Anthropic Messages API on 127.0.0.1: the only thing tests and the demo fake.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/** One tool call the scripted assistant makes. */
export interface ScriptedToolUse {
  name: string;
  input: Record<string, unknown>;
}

/** One assistant message: optional text, then tool calls (a message with tools stops with `tool_use`). */
export interface ScriptedStep {
  text?: string;
  tools?: ScriptedToolUse[];
}

/** What a dynamic step sees: the prompt that started the script and the conversation so far. */
export interface StepContext {
  prompt: string;
  step: number;
  /** tool_result blocks of the latest user message, in order. */
  lastResults: { tool_use_id: string; content: string; is_error: boolean }[];
  /** Text blocks of the latest user message beside its tool results (e.g. a hook's additionalContext). */
  lastTexts?: string[];
}

export type StepSource = ScriptedStep | ((ctx: StepContext) => ScriptedStep);

/** A script is chosen by the token `<<S:name>>` in the latest plain user prompt. */
export interface Script {
  name: string;
  steps: StepSource[];
  /** Text of the final message once the steps run out (default `done <name>`). */
  final?: string | ((ctx: StepContext) => string);
}

type Block = { type: string; text?: string; content?: unknown; tool_use_id?: string; is_error?: boolean };
type Message = { role: string; content: string | Block[] };

const TOKEN = /<<S:([A-Za-z0-9_.-]+)>>/;

function textOf(content: string | Block[]): string {
  if (typeof content === 'string') return content;
  return content
    .filter((b) => b.type === 'text')
    .map((b) => b.text ?? '')
    .join('\n');
}

function isPlainPrompt(m: Message): boolean {
  if (m.role !== 'user') return false;
  if (typeof m.content === 'string') return true;
  return !m.content.some((b) => b.type === 'tool_result');
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c: Block) => c.text ?? '').join('\n');
  return '';
}

// Picks the script and step for a request: no state is kept, so one server serves many workers.
export function planReply(scripts: Map<string, Script>, messages: Message[]): ScriptedStep {
  let promptIndex = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (isPlainPrompt(m) && TOKEN.test(textOf(m.content))) {
      promptIndex = i;
      break;
    }
  }
  if (promptIndex < 0) return { text: 'ok' };
  const content = messages[promptIndex]!.content;
  // The prompt is the text block that carries the token (Claude Code may add other blocks to the same message).
  const prompt =
    typeof content === 'string'
      ? content
      : (content.find((b) => b.type === 'text' && TOKEN.test(b.text ?? ''))?.text ?? '');
  const name = TOKEN.exec(prompt)![1]!;
  const script = scripts.get(name);
  if (!script) return { text: `no script named ${name}` };
  const step = messages.slice(promptIndex + 1).filter((m) => m.role === 'assistant').length;
  const last = messages[messages.length - 1]!;
  const lastResults =
    typeof last.content === 'string'
      ? []
      : last.content
          .filter((b) => b.type === 'tool_result')
          .map((b) => ({
            tool_use_id: b.tool_use_id ?? '',
            content: resultText(b.content),
            is_error: b.is_error === true,
          }));
  const lastTexts =
    typeof last.content === 'string'
      ? []
      : last.content.filter((b) => b.type === 'text').map((b) => b.text ?? '');
  const ctx: StepContext = { prompt, step, lastResults, lastTexts };
  const source = script.steps[step];
  if (source === undefined) {
    const final = typeof script.final === 'function' ? script.final(ctx) : (script.final ?? `done ${name}`);
    return { text: final };
  }
  return typeof source === 'function' ? source(ctx) : source;
}

function sse(res: http.ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function newId(prefix: string): string {
  return prefix + randomBytes(12).toString('hex');
}

function contentBlocks(step: ScriptedStep): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  if (step.text !== undefined) blocks.push({ type: 'text', text: step.text });
  for (const t of step.tools ?? [])
    blocks.push({ type: 'tool_use', id: newId('toolu_'), name: t.name, input: t.input });
  return blocks;
}

function writeStream(res: http.ServerResponse, model: string, step: ScriptedStep): void {
  const blocks = contentBlocks(step);
  const stopReason = step.tools?.length ? 'tool_use' : 'end_turn';
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  sse(res, 'message_start', {
    type: 'message_start',
    message: {
      id: newId('msg_'),
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 1 },
    },
  });
  blocks.forEach((b, index) => {
    if (b.type === 'text') {
      sse(res, 'content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'text', text: '' },
      });
      sse(res, 'content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'text_delta', text: b.text },
      });
    } else {
      sse(res, 'content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} },
      });
      sse(res, 'content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) },
      });
    }
    sse(res, 'content_block_stop', { type: 'content_block_stop', index });
  });
  sse(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: 5 },
  });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

function writeJson(res: http.ServerResponse, model: string, step: ScriptedStep): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id: newId('msg_'),
      type: 'message',
      role: 'assistant',
      model,
      content: contentBlocks(step),
      stop_reason: step.tools?.length ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 5 },
    }),
  );
}

export interface ScriptedModel {
  url: string;
  port: number;
  /** Adds or replaces scripts. */
  add(...scripts: Script[]): void;
  /** Number of /v1/messages requests served that carried tools (main-loop requests). */
  requests(): number;
  close(): Promise<void>;
}

// Starts the stand-in on 127.0.0.1 (port 0 = any free port).
export async function startScriptedModel(scripts: Script[] = [], port = 0): Promise<ScriptedModel> {
  const table = new Map<string, Script>();
  for (const s of scripts) table.set(s.name, s);
  let served = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      if (req.method === 'POST' && url.startsWith('/v1/messages/count_tokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"input_tokens":10}');
        return;
      }
      if (req.method === 'POST' && url.startsWith('/v1/messages')) {
        let body: { model?: string; stream?: boolean; tools?: unknown[]; messages?: Message[] };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          res.writeHead(400).end();
          return;
        }
        const model = body.model ?? 'claude-scripted';
        const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
        if (hasTools) served++;
        const step = hasTools ? planReply(table, body.messages ?? []) : { text: 'ok' };
        if (body.stream) writeStream(res, model, step);
        else writeJson(res, model, step);
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"type":"error","error":{"type":"not_found_error","message":"not found"}}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    add: (...more) => more.forEach((s) => table.set(s.name, s)),
    requests: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

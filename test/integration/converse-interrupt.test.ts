// `toolgate converse` on the real CLI ends with exit 1 and an "interrupted" error when the person presses Esc in
// the worker's TUI: an interrupted turn fires no Stop hook, so converse must see the interrupt in the transcript.
// Two moments: while a Bash call runs, and while the model is still streaming its reply (a stand-in model that
// sends part of a message and then holds the connection open).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRig, eventsOf, type Rig } from '../helpers/rig.js';
import { readTranscript } from '../../src/workers/transcript.js';

let rig: Rig;
let ws: string;
let toolSid: string;
let streamSid: string;
let stall: StallingModel;

// Claude Code 2.1.330 refuses a standalone `sleep N` ("Blocked: standalone sleep 30…"): the call must do more.
const LONG_CALL = 'touch running; sleep 60; echo finished';

interface StallingModel {
  url: string;
  /** Resolves when the next main-loop request is being streamed (and held). */
  nextStream(): Promise<void>;
  close(): Promise<void>;
}

// A model that streams the start of a text reply to every main-loop request and never finishes it.
async function startStallingModel(): Promise<StallingModel> {
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if ((req.url ?? '').startsWith('/v1/messages/count_tokens')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"input_tokens":10}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        model?: string;
        tools?: unknown[];
      };
      const usage = { input_tokens: 1, output_tokens: 1 };
      const message = { id: 'msg_stall', type: 'message', role: 'assistant', model: body.model ?? 'm' };
      if (!Array.isArray(body.tools) || body.tools.length === 0) {
        // Side requests (titles and the like) get a plain answer.
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            ...message,
            content: [{ type: 'text', text: 'ok' }],
            stop_reason: 'end_turn',
            stop_sequence: null,
            usage,
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const sse = (event: string, data: unknown) =>
        res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      sse('message_start', {
        type: 'message_start',
        message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage },
      });
      sse('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      });
      sse('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'PARTIAL ' },
      });
      waiters.splice(0).forEach((w) => w());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    nextStream: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Resolves when `file` exists.
function fileAppears(file: string): Promise<void> {
  return new Promise((resolve) => {
    const w = fs.watch(path.dirname(file), () => {
      if (fs.existsSync(file)) done();
    });
    const done = () => {
      w.close();
      resolve();
    };
    if (fs.existsSync(file)) done();
  });
}

// The main-chain user records of a worker's transcript that hold the interrupt marker text.
function interruptMarkers(sid: string): string[] {
  const t = String(eventsOf(rig, sid)[0]!.transcript_path);
  return readTranscript(t)
    .filter((r) => r.type === 'user' && r.isSidechain !== true)
    .flatMap((r) => (Array.isArray(r.message?.content) ? r.message.content : []))
    .map((b) => (b as { type?: string; text?: string }).text ?? '')
    .filter((text) => text.startsWith('[Request interrupted by user'));
}

beforeAll(async () => {
  rig = await createRig([
    {
      name: 'long',
      steps: [{ tools: [{ name: 'Bash', input: { command: LONG_CALL, description: 'wait' } }] }],
    },
    { name: 'hello', steps: [], final: 'hello again' },
  ]);
  stall = await startStallingModel();
  ws = rig.workspace('ws');
  toolSid = await rig.launch('wtool', ws);
  streamSid = await rig.launch('wstream', rig.workspace('ws2'), [], { ANTHROPIC_BASE_URL: stall.url });
});

afterAll(async () => {
  await rig?.close();
  await stall?.close();
});

describe('converse ends when the turn is interrupted', () => {
  it('Esc while a Bash call runs: exit 1, "interrupted", and the worker takes the next prompt', async () => {
    const conversing = rig.toolgate(['converse', 'wtool', '<<S:long>> run the long call', '--timeout', '45']);
    await fileAppears(path.join(ws, 'running'));
    await rig.screenUntil('wtool', 'esc to interrupt');
    await rig.tmux(['send-keys', '-t', '=wtool:', 'Escape']);
    const r = await conversing;
    expect(r.stderr).toContain('interrupted');
    expect(r.code).toBe(1);
    expect(interruptMarkers(toolSid)).toEqual(['[Request interrupted by user for tool use]']);
    expect(eventsOf(rig, toolSid).some((e) => e.event === 'stop')).toBe(false);
    const next = await rig.toolgate(['converse', 'wtool', '<<S:hello>> still there?', '--timeout', '45']);
    expect(next.code).toBe(0);
  });

  it('Esc while the model is still streaming its reply: exit 1, "interrupted"', async () => {
    const streaming = stall.nextStream();
    const conversing = rig.toolgate(['converse', 'wstream', 'say something long', '--timeout', '45']);
    await streaming;
    await rig.screenUntil('wstream', 'esc to interrupt');
    await rig.tmux(['send-keys', '-t', '=wstream:', 'Escape']);
    const r = await conversing;
    expect(r.stderr).toContain('interrupted');
    expect(r.code).toBe(1);
    expect(interruptMarkers(streamSid)).toEqual(['[Request interrupted by user]']);
  });
});

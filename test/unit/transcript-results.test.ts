// Tool results followed in a transcript as it grows: main-chain tool_result blocks only, torn lines waited for.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TranscriptResults, toolResultsOf, type ToolResult } from '../../src/gate/transcript-results.js';

const result = (id: string, isError = false, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: 'user',
    message: {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: id, content: 'x', is_error: isError }],
    },
    ...extra,
  });

let follower: TranscriptResults | undefined;
afterEach(() => follower?.close());

describe('toolResultsOf', () => {
  it('reads tool_result blocks of main-chain user records only', () => {
    expect(toolResultsOf(result('toolu_1'))).toEqual([{ toolUseId: 'toolu_1', isError: false }]);
    expect(toolResultsOf(result('toolu_2', true))).toEqual([{ toolUseId: 'toolu_2', isError: true }]);
    expect(toolResultsOf(result('toolu_3', false, { isSidechain: true }))).toEqual([]);
    expect(
      toolResultsOf(
        JSON.stringify({
          type: 'assistant',
          message: { content: [{ type: 'text', text: '"tool_result"' }] },
        }),
      ),
    ).toEqual([]);
    expect(toolResultsOf('{"tool_result": torn')).toEqual([]);
  });
});

describe('TranscriptResults', () => {
  it('hands over lines appended after it started following, including a line written in two parts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-tr-'));
    const file = path.join(dir, 'sub', 't.jsonl');
    const seen: ToolResult[] = [];
    const got = new Promise<void>((resolve) => {
      follower = new TranscriptResults((_w, line) => {
        seen.push(...toolResultsOf(line));
        if (seen.length === 2) resolve();
      });
    });
    follower!.follow('w1', file); // the file (and its directory) do not exist yet
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, result('toolu_a') + '\n');
    const second = result('toolu_b', true);
    fs.appendFileSync(file, second.slice(0, 20));
    fs.appendFileSync(file, second.slice(20) + '\n');
    await got;
    expect(seen).toEqual([
      { toolUseId: 'toolu_a', isError: false },
      { toolUseId: 'toolu_b', isError: true },
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

// Tests the transcript reader against hand-written Claude Code transcripts and golden markdown.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ToolgateError } from '../../../src/core/errors.js';
import {
  encodeProjectDirName,
  finalAssistantText,
  lastTurn,
  parseTranscript,
  readTranscript,
  renderTurnMarkdown,
  transcriptPathFor,
  turnInterrupted,
  type TranscriptRecord,
  type Turn,
} from '../../../src/workers/transcript.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/transcripts/', import.meta.url));

// Reads a fixture transcript.
function readFixture(name: string): TranscriptRecord[] {
  return readTranscript(join(FIXTURES, name));
}

// Returns the last turn of a fixture, failing the test when there is none.
function turnOf(name: string): Turn {
  const turn = lastTurn(readFixture(name));
  if (!turn) throw new Error(`no turn in ${name}`);
  return turn;
}

// Reads a golden markdown file.
function readGolden(name: string): string {
  return readFileSync(join(FIXTURES, 'golden', name), 'utf8');
}

// Builds a minimal user record with the given content.
function userRecord(content: unknown, extra: Partial<TranscriptRecord> = {}): TranscriptRecord {
  return { type: 'user', message: { role: 'user', content }, ...extra };
}

// Builds a minimal assistant record with the given blocks.
function assistantRecord(
  id: string,
  blocks: unknown,
  extra: Partial<TranscriptRecord> = {},
): TranscriptRecord {
  return { type: 'assistant', message: { id, role: 'assistant', content: blocks }, ...extra };
}

describe('readTranscript', () => {
  it('skips a torn last line, non-object lines and lines without a type', () => {
    const records = readFixture('tool-turn.jsonl');
    const raw = readFileSync(join(FIXTURES, 'tool-turn.jsonl'), 'utf8').split('\n');
    expect(raw.at(-1)).toMatch(/"text":"Anything el$/);
    expect(records.every((r) => typeof r.type === 'string')).toBe(true);
    expect(records.some((r) => r.message?.id === 'msg_06HHH')).toBe(false);
    expect(records.filter((r) => r.type === 'some-future-record')).toHaveLength(1);
    // Four lines are skipped: the array, the object without a type, the blank line and the torn line.
    expect(records).toHaveLength(raw.length - 4);
  });

  it('tolerates CRLF line endings and a non-object message', () => {
    const records = parseTranscript('{"type":"user","message":"junk"}\r\n{"type":"assistant"}\r\n');
    expect(records).toHaveLength(2);
    expect(records[0]?.message).toBeUndefined();
  });

  it('throws a TRANSCRIPT error with a hint for a missing file', () => {
    const read = () => readTranscript(join(FIXTURES, 'does-not-exist.jsonl'));
    expect(read).toThrow(ToolgateError);
    try {
      read();
    } catch (e) {
      expect((e as ToolgateError).code).toBe('TRANSCRIPT');
      expect((e as ToolgateError).hint).toMatch(/first prompt/);
    }
  });
});

describe('lastTurn', () => {
  it('starts at the last real prompt and ignores sidechain prompts', () => {
    const turn = turnOf('tool-turn.jsonl');
    expect(turn.promptText).toBe('List the files in this project and tell me what README.md says.');
    expect(turn.promptId).toBe('bbbb0002-0000-4000-8000-000000000002');
    expect(turn.records[0]).toBe(turn.prompt);
    expect(turn.records.some((r) => r.isSidechain === true)).toBe(false);
    expect(turn.records.at(-1)?.type).toBe('some-future-record');
  });

  it('accepts an SDK prompt given as text blocks', () => {
    expect(turnOf('denied.jsonl').promptText).toBe('Clean the build output in /tmp/build.');
  });

  it('skips slash-command, local-command, caveat and shell-line records', () => {
    const turn = turnOf('slash-command.jsonl');
    expect(turn.promptText).toBe('Run the tests');
    expect(turn.records).toHaveLength(8);
  });

  it('skips the compact summary and the /compact records', () => {
    const records = readFixture('compact.jsonl');
    expect(lastTurn(records)?.promptText).toBe('Which release was the largest?');
    const beforeSecondPrompt = records.slice(0, -2);
    const turn = lastTurn(beforeSecondPrompt);
    expect(turn?.promptText).toBe('Summarise CHANGELOG.md');
    expect(turn && finalAssistantText(turn)).toBe('The changelog lists three releases.');
  });

  it('does not treat interrupt markers or tool results as prompts', () => {
    expect(turnOf('interrupted-text.jsonl').promptText).toBe('Write a long essay about tmux.');
    expect(turnOf('interrupted-tool.jsonl').promptText).toBe('Add a log line to src/index.ts');
  });

  it('returns undefined when there is no prompt', () => {
    expect(lastTurn([])).toBeUndefined();
    expect(lastTurn([userRecord([{ type: 'tool_result', tool_use_id: 't', content: 'x' }])])).toBeUndefined();
    expect(lastTurn([userRecord(null), userRecord('hi', { isMeta: true })])).toBeUndefined();
  });

  it('keeps one copy of records repeated with the same uuid', () => {
    const prompt = userRecord('go', { uuid: 'u1' });
    const reply = assistantRecord('m1', [{ type: 'text', text: 'once' }], { uuid: 'a1' });
    const turn = lastTurn([prompt, reply, { ...reply }]);
    expect(turn?.records).toHaveLength(2);
    expect(turn && finalAssistantText(turn)).toBe('once');
  });
});

describe('finalAssistantText', () => {
  it('joins the text blocks of every record of the last message that has text', () => {
    expect(finalAssistantText(turnOf('tool-turn.jsonl'))).toBe(
      'The project has 7 entries: LICENSE, README.md, package.json, src, test, tsconfig.json and ' +
        'vitest.config.ts.\n\nREADME.md says to build with `npm run build` and test with `npm test`.',
    );
  });

  it('survives null content and returns text written before a tool call in the same message', () => {
    expect(finalAssistantText(turnOf('interrupted-tool.jsonl'))).toBe("I'll add the log line.");
  });

  it('joins records of one message even when a tool result sits between them', () => {
    const turn = lastTurn([
      userRecord('go'),
      assistantRecord('m1', [{ type: 'text', text: 'part one' }]),
      assistantRecord('m1', [{ type: 'tool_use', id: 't1', name: 'Read', input: {} }]),
      userRecord([{ type: 'tool_result', tool_use_id: 't1', content: 'x' }]),
      assistantRecord('m1', [{ type: 'text', text: 'part two' }]),
      assistantRecord('m2', null),
    ]);
    expect(turn && finalAssistantText(turn)).toBe('part one\n\npart two');
  });

  it('returns an empty string for a turn without assistant text', () => {
    const turn = lastTurn([userRecord('go'), assistantRecord('m1', [{ type: 'text', text: '  ' }])]);
    expect(turn && finalAssistantText(turn)).toBe('');
  });
});

describe('turnInterrupted', () => {
  it('is true for a rejected tool followed by the interrupt marker', () => {
    expect(turnInterrupted(turnOf('interrupted-tool.jsonl'))).toBe(true);
  });

  it('is true for Esc while streaming text', () => {
    expect(turnInterrupted(turnOf('interrupted-text.jsonl'))).toBe(true);
  });

  it('is false for a gate deny the model answered, and for a normal turn', () => {
    expect(turnInterrupted(turnOf('denied.jsonl'))).toBe(false);
    expect(turnInterrupted(turnOf('tool-turn.jsonl'))).toBe(false);
  });

  it('is false when assistant text follows the marker, and detects a bare rejection', () => {
    const marker = userRecord('[Request interrupted by user]');
    const reply = assistantRecord('m2', [{ type: 'text', text: 'resumed' }]);
    const base = [userRecord('go'), assistantRecord('m1', [{ type: 'text', text: 'a' }])];
    expect(turnInterrupted(lastTurn([...base, marker, reply]) as Turn)).toBe(false);
    const rejected = userRecord([{ type: 'tool_result', tool_use_id: 't', content: 'no', is_error: true }], {
      toolUseResult: 'User rejected tool use',
    });
    expect(turnInterrupted(lastTurn([...base, rejected]) as Turn)).toBe(true);
  });
});

describe('renderTurnMarkdown', () => {
  it('matches the golden file, truncated', () => {
    expect(renderTurnMarkdown(turnOf('tool-turn.jsonl'), { full: false })).toBe(
      readGolden('tool-turn.golden'),
    );
  });

  it('matches the golden file, full', () => {
    expect(renderTurnMarkdown(turnOf('tool-turn.jsonl'), { full: true })).toBe(
      readGolden('tool-turn.full.golden'),
    );
  });

  it('renders a gate deny as a tool error', () => {
    expect(renderTurnMarkdown(turnOf('denied.jsonl'), { full: false })).toBe(readGolden('denied.golden'));
  });

  it('renders a rejected tool and the interrupt marker', () => {
    expect(renderTurnMarkdown(turnOf('interrupted-tool.jsonl'), { full: false })).toBe(
      readGolden('interrupted-tool.golden'),
    );
  });

  it('never prints [object Object] and widens fences around backticks', () => {
    const turn = lastTurn([
      userRecord('go'),
      userRecord([
        {
          type: 'tool_result',
          tool_use_id: 't',
          content: [
            { type: 'text', text: 'has ``` inside' },
            { type: 'image', source: {} },
          ],
        },
      ]),
      userRecord([{ type: 'tool_result', tool_use_id: 'u', content: null }]),
    ]) as Turn;
    const md = renderTurnMarkdown(turn, { full: false });
    expect(md).not.toContain('[object Object]');
    expect(md).toContain('**Result:**\n````\nhas ``` inside\n[image]\n````\n\n');
    expect(md).toContain('**Result:**\n```\n(no output)\n```\n\n');
  });

  it('leaves out compact summaries and command records', () => {
    const md = renderTurnMarkdown(lastTurn(readFixture('compact.jsonl').slice(0, -2)) as Turn, {
      full: true,
    });
    expect(md).toBe('---\n\n**Prompt:** Summarise CHANGELOG.md\n\nThe changelog lists three releases.\n\n');
  });
});

describe('transcriptPathFor', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('replaces every non-alphanumeric character with a dash', () => {
    expect(encodeProjectDirName('/home/me/my_proj.v2/a b@c+d')).toBe('-home-me-my-proj-v2-a-b-c-d');
    expect(encodeProjectDirName('/tmp/café')).toBe('-tmp-caf-');
    expect(transcriptPathFor('/work/demo', 'sid', '/cfg')).toBe('/cfg/projects/-work-demo/sid.jsonl');
  });

  it('cuts names over 200 characters and appends a base-36 hash of the cwd', () => {
    const cwd = '/' + 'a'.repeat(250);
    const name = encodeProjectDirName(cwd);
    expect(name.startsWith('-' + 'a'.repeat(199) + '-')).toBe(true);
    expect(name.slice(201)).toMatch(/^[0-9a-z]+$/);
    expect(encodeProjectDirName('/' + 'a'.repeat(199))).toHaveLength(200);
    expect(encodeProjectDirName(cwd + 'b')).not.toBe(name);
  });

  it('hashes like Java String.hashCode (absolute value, base 36)', () => {
    const cwd = '/x'.repeat(101);
    expect(encodeProjectDirName(cwd).slice(201)).toBe(Math.abs(javaHash(cwd)).toString(36));
  });

  it('finds a long-name transcript under another hash suffix, and through a symlinked cwd', () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-transcript-'));
    const cwd = '/' + 'b'.repeat(230);
    const other = join(dir, 'projects', encodeProjectDirName(cwd).slice(0, 200) + '-zzz');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 's1.jsonl'), '');
    expect(transcriptPathFor(cwd, 's1', dir)).toBe(join(other, 's1.jsonl'));
    expect(transcriptPathFor(cwd, 's2', dir)).toBe(
      join(dir, 'projects', encodeProjectDirName(cwd), 's2.jsonl'),
    );

    const real = join(dir, 'real');
    mkdirSync(real);
    symlinkSync(real, join(dir, 'link'));
    const realProject = join(dir, 'projects', encodeProjectDirName(real));
    mkdirSync(realProject);
    writeFileSync(join(realProject, 's3.jsonl'), '');
    expect(transcriptPathFor(join(dir, 'link'), 's3', dir)).toBe(join(realProject, 's3.jsonl'));
  });
});

// Reference implementation of Java's String.hashCode, written independently of the module under test.
function javaHash(text: string): number {
  let h = 0;
  for (const unit of text.split('').map((c) => c.charCodeAt(0))) h = Math.imul(h, 31) + unit;
  return h | 0;
}

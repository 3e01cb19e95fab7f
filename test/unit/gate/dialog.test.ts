// Escalations to the worker's own dialog: the answer is read from the signals seen on the real CLI (2.1.330):
// the transcript's accept/rejection marks and the PostToolUse event.
import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatePaths } from '../../../src/core/state.js';
import { Supervisor, type AuditSink, type EscalationNotice } from '../../../src/gate/supervisor.js';
import type { Decider } from '../../../src/gate/decider.js';
import { outcomeFromTranscriptLine } from '../../../src/gate/dialog.js';
import { publishCall, stateWithWorker, until } from '../../helpers/in-process.js';

// Trimmed records as Claude Code 2.1.330 wrote them (probe on the real binary: Yes, then No).
const ACCEPTED = JSON.stringify({
  type: 'user',
  message: {
    role: 'user',
    content: [
      {
        tool_use_id: 'toolu_yes',
        type: 'tool_result',
        content: '(Bash completed with no output)',
        is_error: false,
      },
    ],
  },
  toolUseResult: { stdout: '', stderr: '', interrupted: false },
  permissionDecision: {
    decision: 'accept',
    source: 'user_temporary',
    grantScope: 'once',
    reasonCode: 'hook:PreToolUse',
  },
});
const REJECTED = JSON.stringify({
  type: 'user',
  message: {
    role: 'user',
    content: [
      {
        type: 'tool_result',
        content:
          "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). STOP what you are doing and wait for the user to tell you how to proceed.",
        is_error: true,
        tool_use_id: 'toolu_no',
      },
    ],
  },
  toolUseResult: 'User rejected tool use',
  toolDenialKind: 'user-rejected',
  toolDenialBeforeRun: true,
});

// A headless worker (`claude -p`) refusing an `ask` by itself (as the auditor saw it on 2.1.330): the same
// "user-rejected" mark, but permissionDecision.source "config" says nobody was asked.
const HEADLESS_REJECTED = JSON.stringify({
  type: 'user',
  message: {
    role: 'user',
    content: [
      {
        type: 'tool_result',
        content: 'toolgate asks a person to look at this Bash command `touch x` (rule look)',
        is_error: true,
        tool_use_id: 'toolu_headless',
      },
    ],
  },
  toolUseResult: 'Error: toolgate asks a person to look at this Bash command `touch x` (rule look)',
  toolDenialKind: 'user-rejected',
  permissionDecision: { decision: 'reject', source: 'config' },
});

describe('transcript lines', () => {
  it("tells a headless refusal (source config) from a person's No", () => {
    expect(outcomeFromTranscriptLine(HEADLESS_REJECTED, new Set(['toolu_headless']))).toEqual({
      toolUseId: 'toolu_headless',
      outcome: {
        outcome: 'deny',
        signal: 'transcript',
        detail: 'headless: ask treated as deny',
        decidedBy: 'policy',
      },
    });
    const byPerson = JSON.parse(REJECTED) as Record<string, unknown>;
    byPerson.permissionDecision = { decision: 'reject', source: 'user_reject' };
    expect(outcomeFromTranscriptLine(JSON.stringify(byPerson), new Set(['toolu_no']))?.outcome).toEqual({
      outcome: 'deny',
      signal: 'transcript',
      detail: 'user-rejected',
    });
  });

  it('reads accept and rejection marks for the tool_use_ids asked about only', () => {
    const ids = new Set(['toolu_yes', 'toolu_no']);
    expect(outcomeFromTranscriptLine(ACCEPTED, ids)).toEqual({
      toolUseId: 'toolu_yes',
      outcome: { outcome: 'allow', signal: 'transcript', detail: 'accept' },
    });
    expect(outcomeFromTranscriptLine(REJECTED, ids)).toEqual({
      toolUseId: 'toolu_no',
      outcome: { outcome: 'deny', signal: 'transcript', detail: 'user-rejected' },
    });
    expect(outcomeFromTranscriptLine(REJECTED, new Set(['toolu_other']))).toBeUndefined();
    expect(
      outcomeFromTranscriptLine('{"type":"user","message":{"content":"tool_result"}}', ids),
    ).toBeUndefined();
    expect(outcomeFromTranscriptLine('not json tool_result', ids)).toBeUndefined();
  });
});

const WORKER_ID = '00000000-0000-4000-8000-000000000002';
let dir: string;
let s: StatePaths;
let sup: Supervisor | undefined;
let transcript: string;

const dialogDecider: Decider = {
  decide: () => ({
    verdict: 'escalate',
    rule: 'look',
    reason: 'a person at the screen decides',
    trace: [],
    revision: 'r',
    observe: false,
    rateKeys: [],
    escalation: { to: 'dialog', timeoutSec: 600, onTimeout: 'deny' },
  }),
  problems: () => [],
  close: () => undefined,
};

const publish = (toolUseId: string): Promise<number> =>
  publishCall(
    { dir, s },
    {
      workerId: WORKER_ID,
      worker: 'w2',
      sessionId: 'sess-2',
      toolUseId,
      payload: { tool_input: { command: 'touch x' }, transcript_path: transcript },
    },
  );

async function hookAnswer(fd: number): Promise<string> {
  const buf = Buffer.alloc(8192);
  for (let i = 0; i < 2000; i++) {
    try {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      const line = buf.subarray(0, n).toString();
      return JSON.parse(line.slice(line.indexOf(' ') + 1)).hookSpecificOutput.permissionDecision;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  throw new Error('no answer');
}

beforeEach(() => {
  ({ dir, s } = stateWithWorker('tg-dlg-', WORKER_ID, 'w2'));
  transcript = path.join(dir, 'transcript.jsonl');
  fs.writeFileSync(transcript, '{"type":"mode"}\n' + ACCEPTED.replace('toolu_yes', 'toolu_old') + '\n');
});

afterEach(async () => {
  await sup?.stop();
  sup = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('dialog escalations in the supervisor', () => {
  it('answers ask, records the opening, and records No from the transcript and Yes from PostToolUse', async () => {
    const records: Record<string, unknown>[] = [];
    const audit: AuditSink = { append: (r) => void records.push(r) };
    const notices: EscalationNotice[] = [];
    sup = new Supervisor({
      state: s,
      decider: dialogDecider,
      audit,
      logger: pino({ level: 'silent' }),
      onEscalation: (e) => notices.push(e),
    });
    await sup.start();
    expect(await hookAnswer(await publish('toolu_no'))).toBe('ask');
    expect(await hookAnswer(await publish('toolu_yes'))).toBe('ask');
    expect(records.filter((r) => r.kind === 'escalation_opened').map((r) => r.to)).toEqual([
      'dialog',
      'dialog',
    ]);
    expect(notices.map((n) => n.to)).toEqual(['dialog', 'dialog']);
    expect(sup.dialogs.size).toBe(2);
    // No on the screen: the rejection record appears in the transcript (written in two pieces).
    const half = Math.floor(REJECTED.length / 2);
    fs.appendFileSync(transcript, REJECTED.slice(0, half));
    await new Promise((r) => setTimeout(r, 700));
    fs.appendFileSync(transcript, REJECTED.slice(half) + '\n');
    await until(() => records.some((r) => r.kind === 'escalation_closed' && r.call === 'sess-2.toolu_no'));
    expect(records.find((r) => r.kind === 'escalation_closed')).toMatchObject({
      outcome: 'deny',
      decided_by: 'person',
      by: 'worker screen',
      signal: 'transcript',
    });
    // Yes: the PostToolUse event arrives (spooled by the async hook).
    const ev = {
      v: 1,
      worker_id: WORKER_ID,
      event: 'post_tool_use',
      ts_us: Date.now() * 1000,
      payload: { tool_name: 'Bash', tool_use_id: 'toolu_yes', session_id: 'sess-2' },
    };
    fs.writeFileSync(path.join(s.queue, `.ev.tmp`), JSON.stringify(ev));
    fs.renameSync(path.join(s.queue, `.ev.tmp`), path.join(s.queue, `${Date.now() * 1000}-1.event`));
    await until(() => records.some((r) => r.kind === 'escalation_closed' && r.call === 'sess-2.toolu_yes'));
    expect(records.filter((r) => r.kind === 'escalation_closed').at(-1)).toMatchObject({
      outcome: 'allow',
      by: 'worker screen',
      signal: 'post_tool_use',
    });
    expect(sup.dialogs.size).toBe(0);
  });

  it("records a headless worker's own refusal as decided by policy, not by a person at the worker screen", async () => {
    const records: Record<string, unknown>[] = [];
    sup = new Supervisor({
      state: s,
      decider: dialogDecider,
      audit: { append: (r) => void records.push(r) },
      logger: pino({ level: 'silent' }),
    });
    await sup.start();
    expect(await hookAnswer(await publish('toolu_headless'))).toBe('ask');
    fs.appendFileSync(transcript, HEADLESS_REJECTED + '\n');
    await until(() => records.some((r) => r.kind === 'escalation_closed'));
    const closed = records.find((r) => r.kind === 'escalation_closed')!;
    expect(closed).toMatchObject({
      call: 'sess-2.toolu_headless',
      worker: 'w2',
      session: 'sess-2',
      outcome: 'deny',
      decided_by: 'policy',
      signal: 'transcript',
      detail: 'headless: ask treated as deny',
    });
    expect(closed.by).toBeUndefined();
  });

  it('records a dialog nobody answered as abandoned when the session ends', async () => {
    const records: Record<string, unknown>[] = [];
    sup = new Supervisor({
      state: s,
      decider: dialogDecider,
      audit: { append: (r) => void records.push(r) },
      logger: pino({ level: 'silent' }),
    });
    await sup.start();
    await hookAnswer(await publish('toolu_left'));
    const ev = {
      v: 1,
      worker_id: WORKER_ID,
      event: 'session_end',
      ts_us: Date.now() * 1000,
      payload: { reason: 'other', session_id: 'sess-2' },
    };
    fs.writeFileSync(path.join(s.queue, `.ev.tmp`), JSON.stringify(ev));
    fs.renameSync(path.join(s.queue, `.ev.tmp`), path.join(s.queue, `${Date.now() * 1000}-2.event`));
    await until(() => records.some((r) => r.kind === 'escalation_closed'));
    expect(records.find((r) => r.kind === 'escalation_closed')).toMatchObject({
      call: 'sess-2.toolu_left',
      outcome: 'abandoned',
    });
  });
});

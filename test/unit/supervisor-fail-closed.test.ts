// The supervisor in-process: a decision it cannot record, a decider that throws, and a forged or mismatched
// pending file all end in a deny written to the call's FIFO.
import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatePaths } from '../../src/core/state.js';
import { Supervisor, type AuditSink } from '../../src/gate/supervisor.js';
import type { Decider } from '../../src/gate/decider.js';
import { allowAll, allowed, publishCall, stateWithWorker } from '../helpers/in-process.js';

const WORKER_ID = '00000000-0000-4000-8000-000000000001';
let dir: string;
let s: StatePaths;
let sup: Supervisor | undefined;

function memoryAudit(): AuditSink & { records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  return { records, append: (r) => void records.push(r) };
}

// Publishes a pending call as the gate hook does (FIFO first, then the file by rename) and returns the FIFO fd.
const publish = (sessionId: string, toolUseId: string, payload: Record<string, unknown> = {}) =>
  publishCall({ dir, s }, { workerId: WORKER_ID, worker: 'w1', sessionId, toolUseId, payload });

// Reads the decision line the supervisor writes into the FIFO.
async function decisionFrom(fd: number): Promise<{ id: string; decision: string; reason: string }> {
  const buf = Buffer.alloc(8192);
  for (;;) {
    try {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      const line = buf.subarray(0, n).toString('utf8').trim();
      const space = line.indexOf(' ');
      const out = JSON.parse(line.slice(space + 1)).hookSpecificOutput;
      return {
        id: line.slice(0, space),
        decision: out.permissionDecision,
        reason: out.permissionDecisionReason,
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      await new Promise((r) => setImmediate(r));
    }
  }
}

beforeEach(() => {
  ({ dir, s } = stateWithWorker('tg-sup-', WORKER_ID));
});

afterEach(async () => {
  await sup?.stop();
  sup = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(decider: Decider, audit: AuditSink): Promise<void> {
  sup = new Supervisor({ state: s, decider, audit, logger: pino({ level: 'silent' }) });
  await sup.start();
}

describe('supervisor fails closed', () => {
  it('allows what the decider allows, recording it before answering', async () => {
    const audit = memoryAudit();
    await start(allowAll, audit);
    const d = await decisionFrom(await publish('sess-1', 'toolu_a'));
    expect(d).toMatchObject({ id: 'sess-1.toolu_a', decision: 'allow' });
    expect(audit.records.find((r) => r.kind === 'decision')).toMatchObject({
      call: 'sess-1.toolu_a',
      verdict: 'allow',
      rule: 'test-allow',
      decided_by: 'policy',
    });
    expect(fs.existsSync(path.join(s.queue, 'sess-1.toolu_a.tool-pending'))).toBe(false);
  });

  it('denies a call whose decision cannot be written to the audit trail', async () => {
    await start(allowAll, {
      append: () => {
        throw new Error('disk full');
      },
    });
    const d = await decisionFrom(await publish('sess-1', 'toolu_b'));
    expect(d.decision).toBe('deny');
    expect(d.reason).toContain('could not be written to the audit trail');
  });

  it('denies at once when the decider throws', async () => {
    const failing: Decider = {
      ...allowAll,
      decide: () => {
        throw new Error('boom');
      },
    };
    const audit = memoryAudit();
    await start(failing, audit);
    const d = await decisionFrom(await publish('sess-1', 'toolu_c'));
    expect(d.decision).toBe('deny');
    expect(audit.records.find((r) => r.kind === 'decision')).toMatchObject({ decided_by: 'fail-closed' });
  });

  it('denies a pending file whose payload names another call (forged or misplaced)', async () => {
    const audit = memoryAudit();
    await start(allowAll, audit);
    const d = await decisionFrom(await publish('sess-1', 'toolu_d', { tool_use_id: 'toolu_other' }));
    expect(d.decision).toBe('deny');
    expect(d.reason).toContain('does not match its payload');
    expect(audit.records.find((r) => r.kind === 'decision')).toMatchObject({ decided_by: 'fail-closed' });
  });

  it('denies a call from a worker toolgate has no record of', async () => {
    fs.rmSync(path.join(s.workers, `${WORKER_ID}.json`));
    await start(allowAll, memoryAudit());
    const d = await decisionFrom(await publish('sess-1', 'toolu_e'));
    expect(d.decision).toBe('deny');
    expect(d.reason).toContain('no record');
  });

  it('applies an answer no watcher event reported, at its next sweep', async () => {
    const escalate: Decider = {
      ...allowAll,
      decide: () => ({
        ...allowed(),
        verdict: 'escalate',
        rule: 'ask-a-person',
        reason: 'needs a person',
        escalation: { to: 'human', timeoutSec: 600, onTimeout: 'deny' },
      }),
    };
    await start(escalate, memoryAudit());
    const fd = await publish('sess-1', 'toolu_g');
    while (!sup!.escalations.has('sess-1.toolu_g')) await new Promise((r) => setImmediate(r));
    // Simulate a missed event: stop watching, then write the answer.
    await (sup as unknown as { watcher: { close(): Promise<void> } }).watcher.close();
    const answer = { v: 1, call: 'sess-1.toolu_g', decision: 'allow', by: 'tester', ts: Date.now() };
    fs.writeFileSync(path.join(s.answers, 'sess-1.toolu_g.answer'), JSON.stringify(answer));
    sup!.sweep();
    expect(await decisionFrom(fd)).toMatchObject({ id: 'sess-1.toolu_g', decision: 'allow' });
  });

  it('denies every call while a lockdown is on', async () => {
    fs.writeFileSync(s.lockdown, JSON.stringify({ all: true, reason: 'incident' }));
    await start(allowAll, memoryAudit());
    const d = await decisionFrom(await publish('sess-1', 'toolu_f'));
    expect(d.decision).toBe('deny');
    expect(d.reason).toContain('lockdown');
  });
});

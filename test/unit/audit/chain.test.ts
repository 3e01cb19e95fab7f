import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatVerify } from '../../../src/audit/render.js';
import { GENESIS } from '../../../src/audit/schema.js';
import { sealRecord } from '../../../src/audit/seal.js';
import { verifyAudit } from '../../../src/audit/verify.js';
import { openAuditLog } from '../../../src/audit/writer.js';
import { makeTempDir, readLines, sampleDecision, steppingClock, writeLines } from './helpers.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = makeTempDir();
  file = path.join(dir, 'audit.jsonl');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

// Writes n decision records and closes the log.
function writeTrail(n: number, opts = {}): void {
  const log = openAuditLog(dir, { now: steppingClock(), ...opts });
  for (let i = 1; i <= n; i++) log.append(sampleDecision(i));
  log.close();
}

describe('writer and chain', () => {
  it('seals records with seq, prev and hash chaining from genesis', () => {
    const log = openAuditLog(dir, { now: steppingClock() });
    const a = log.append(sampleDecision(1));
    const b = log.append(sampleDecision(2));
    log.close();
    expect(a.seq).toBe(1);
    expect(a.prev).toBe(GENESIS);
    expect(b.seq).toBe(2);
    expect(b.prev).toBe(a.hash);
    expect(a.ts).toBe('2025-01-01T00:00:01.000Z');
    const lines = readLines(file);
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] as string)).toEqual(a);
    expect(verifyAudit(dir)).toMatchObject({ ok: true, count: 2, head: b.hash, warnings: [] });
  });

  it('verifies an empty or missing trail', () => {
    expect(verifyAudit(path.join(dir, 'none'))).toMatchObject({ ok: true, count: 0, head: GENESIS });
  });

  it('refuses a record that does not fit its kind', () => {
    const log = openAuditLog(dir);
    expect(() => log.append({ kind: 'decision', worker: 'w' } as never)).toThrow(/AUDIT|invalid/);
    log.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('');
  });

  it('does not let a caller set seq, prev or hash', () => {
    const log = openAuditLog(dir);
    const r = log.append({ ...sampleDecision(1), seq: 99, prev: 'x', hash: 'y' } as never);
    log.close();
    expect(r.seq).toBe(1);
    expect(verifyAudit(dir).ok).toBe(true);
  });

  it('continues the chain when reopened', () => {
    writeTrail(3);
    const log = openAuditLog(dir);
    expect(log.head().count).toBe(3);
    const r = log.append(sampleDecision(4));
    log.close();
    expect(r.seq).toBe(4);
    expect(verifyAudit(dir)).toMatchObject({ ok: true, count: 4 });
  });

  it('rotates at the size bound and keeps one chain across files', () => {
    writeTrail(20, { maxFileBytes: 1500 });
    const names = fs.readdirSync(dir).sort();
    expect(names.length).toBeGreaterThan(3);
    expect(names).toContain('audit.1.jsonl');
    const v = verifyAudit(dir);
    expect(v).toMatchObject({ ok: true, count: 20 });
    expect(v.files.at(-1)).toBe('audit.jsonl');
    // reopening after rotation continues from the newest rotated file
    const log = openAuditLog(dir, { maxFileBytes: 1500 });
    expect(log.head().count).toBe(20);
    log.close();
  });

  it('finds a removed rotated file', () => {
    writeTrail(20, { maxFileBytes: 1500 });
    fs.rmSync(path.join(dir, 'audit.2.jsonl'));
    expect(verifyAudit(dir).problem).toMatchObject({ type: 'removed', file: 'audit.3.jsonl', line: 1 });
  });
});

describe('verify finds tampering at the right record', () => {
  beforeEach(() => writeTrail(6));

  it('one changed byte', () => {
    const lines = readLines(file);
    lines[2] = (lines[2] as string).replace('echo 3', 'echo 4');
    writeLines(file, lines);
    expect(verifyAudit(dir).problem).toMatchObject({ type: 'changed', file: 'audit.jsonl', line: 3, seq: 3 });
  });

  it('a changed record whose own hash was recomputed', () => {
    const lines = readLines(file);
    const r = JSON.parse(lines[2] as string);
    const { line } = sealRecord({ ...r, input: { command: 'rm -rf /' } }, r.seq, r.ts, r.prev);
    lines[2] = line;
    writeLines(file, lines);
    expect(verifyAudit(dir).problem).toMatchObject({ type: 'changed', line: 3, seq: 3 });
  });

  it('names the last good record and its hash, not the changed record whose hash was recomputed', () => {
    const lines = readLines(file);
    const good = JSON.parse(lines[1] as string);
    const r = JSON.parse(lines[2] as string);
    const forged = sealRecord({ ...r, input: { command: 'rm -rf /' } }, r.seq, r.ts, r.prev);
    lines[2] = forged.line;
    writeLines(file, lines);
    const v = verifyAudit(dir);
    expect(v).toMatchObject({ ok: false, count: 2, head: good.hash, problem: { seq: 3 } });
    const text = formatVerify(v);
    expect(text).toContain(`last good record: 2 (hash ${good.hash})`);
    expect(text).not.toContain(forged.record.hash);
  });

  it('names the last good record before an inserted one', () => {
    const lines = readLines(file);
    const r2 = JSON.parse(lines[1] as string);
    const { line } = sealRecord(sampleDecision(77), 3, r2.ts, r2.hash);
    lines.splice(2, 0, line);
    writeLines(file, lines);
    expect(verifyAudit(dir)).toMatchObject({
      count: 2,
      head: r2.hash,
      problem: { type: 'inserted', seq: 3 },
    });
  });

  it('a removed record', () => {
    const lines = readLines(file);
    lines.splice(3, 1);
    writeLines(file, lines);
    expect(verifyAudit(dir).problem).toMatchObject({ type: 'removed', line: 4, seq: 5 });
  });

  it('the first record removed', () => {
    writeLines(file, readLines(file).slice(1));
    expect(verifyAudit(dir).problem).toMatchObject({ type: 'removed', line: 1, seq: 2 });
  });

  it('two records swapped', () => {
    const lines = readLines(file);
    [lines[2], lines[3]] = [lines[3] as string, lines[2] as string];
    writeLines(file, lines);
    expect(verifyAudit(dir).problem).toMatchObject({ type: 'reordered', line: 3, seq: 4 });
  });

  it('a forged record inserted with a valid seal', () => {
    const lines = readLines(file);
    const r2 = JSON.parse(lines[1] as string);
    const { line } = sealRecord(sampleDecision(77), 3, r2.ts, r2.hash);
    lines.splice(2, 0, line);
    writeLines(file, lines);
    expect(verifyAudit(dir).problem).toMatchObject({ type: 'inserted', line: 3, seq: 3 });
  });

  it('a copy of an earlier record inserted', () => {
    const lines = readLines(file);
    lines.splice(4, 0, lines[0] as string);
    writeLines(file, lines);
    expect(verifyAudit(dir).problem).toMatchObject({ type: 'inserted', line: 5, seq: 1 });
  });

  it('a line of garbage inserted', () => {
    const lines = readLines(file);
    lines.splice(4, 0, '{"hello":"world"}');
    writeLines(file, lines);
    expect(verifyAudit(dir).problem).toMatchObject({ type: 'inserted', line: 5 });
  });

  it('a cut-off tail is caught only with a checkpoint', () => {
    const full = verifyAudit(dir);
    writeLines(file, readLines(file).slice(0, 4));
    expect(verifyAudit(dir).ok).toBe(true);
    const v = verifyAudit(dir, { checkpoints: [{ count: full.count, head: full.head }] });
    expect(v.problem).toMatchObject({ type: 'truncated', line: 4, seq: 4 });
    expect(v.checkpoints[0]?.status).toBe('truncated');
  });

  it('a trail rewritten with a recomputed chain is caught by a checkpoint', () => {
    const cp = { count: 6, head: verifyAudit(dir).head };
    fs.rmSync(file);
    const log = openAuditLog(dir);
    for (let i = 1; i <= 7; i++) log.append(sampleDecision(i, { verdict: 'deny' }));
    log.close();
    expect(verifyAudit(dir).ok).toBe(true);
    expect(verifyAudit(dir, { checkpoints: [cp] }).problem).toMatchObject({
      type: 'rewritten',
      line: 6,
      seq: 6,
    });
    // Nothing up to the rewritten record can be vouched for, unless an earlier checkpoint still holds.
    const v = verifyAudit(dir, { checkpoints: [cp] });
    expect(v).toMatchObject({ count: 0, head: GENESIS });
    expect(formatVerify(v)).toContain('no record before it can be trusted');
    const r2 = JSON.parse(readLines(file)[1] as string);
    expect(verifyAudit(dir, { checkpoints: [cp, { count: 2, head: r2.hash }] })).toMatchObject({
      count: 2,
      head: r2.hash,
    });
  });
});

describe('torn writes', () => {
  it('an unterminated last line is a warning, then attested on reopen', () => {
    writeTrail(3);
    const extra = sealRecord(sampleDecision(4), 4, 'x', 'y').line;
    fs.appendFileSync(file, extra.slice(0, 40));
    const before = verifyAudit(dir);
    expect(before.ok).toBe(true);
    expect(before.warnings[0]).toMatchObject({ line: 4, message: expect.stringMatching(/incomplete/) });

    const log = openAuditLog(dir);
    expect(log.recovered).toMatchObject({ line: 4, bytes: 40 });
    expect(log.head().count).toBe(4);
    const r = log.append(sampleDecision(5));
    log.close();
    expect(r.seq).toBe(5);
    const lines = readLines(file);
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines[4] as string)).toMatchObject({
      kind: 'trail_recovered',
      seq: 4,
      line: 4,
      bytes: 40,
    });
    const after = verifyAudit(dir);
    expect(after).toMatchObject({ ok: true, count: 5 });
    expect(after.warnings[0]?.message).toMatch(/torn/);
  });

  it('torn bytes changed after they were attested are caught', () => {
    writeTrail(2);
    fs.appendFileSync(file, '{"v":1,"seq":3,"ts"');
    openAuditLog(dir).close();
    const lines = readLines(file);
    lines[2] = '{"v":1,"seq":3,"tX"';
    writeLines(file, lines);
    expect(verifyAudit(dir).problem).toMatchObject({ type: 'changed', line: 3 });
  });

  it('a complete last record missing only its newline is kept', () => {
    writeTrail(2);
    const lines = readLines(file);
    fs.writeFileSync(file, lines.join('\n'));
    const log = openAuditLog(dir);
    expect(log.recovered).toBeUndefined();
    expect(log.head().count).toBe(2);
    log.close();
  });
});

describe('a write that fails half way', () => {
  it('throws AUDIT_WRITE, then the next append attests the torn bytes and continues the chain', () => {
    const log = openAuditLog(dir);
    log.append(sampleDecision(1));
    const real = fs.writeSync;
    const spy = vi.spyOn(fs, 'writeSync').mockImplementationOnce(((fd: number, buf: Buffer, off: number) => {
      real(fd, buf, off, 30);
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    }) as unknown as typeof fs.writeSync);
    expect(() => log.append(sampleDecision(2))).toThrow(expect.objectContaining({ code: 'AUDIT_WRITE' }));
    spy.mockRestore();
    const r = log.append(sampleDecision(3));
    log.close();
    expect(r.seq).toBe(3);
    expect(JSON.parse(readLines(file)[2] as string)).toMatchObject({
      kind: 'trail_recovered',
      seq: 2,
      bytes: 30,
    });
    expect(verifyAudit(dir)).toMatchObject({ ok: true, count: 3 });
  });
});

// The supervisor's audit writer: validates, seals and appends one record synchronously, rotating at a size bound.
import fs from 'node:fs';
import path from 'node:path';
import { ToolgateError } from '../core/errors.js';
import { ACTIVE_FILE, listRotatedNumbers, rotatedName } from './files.js';
import { redactRecord } from './redact.js';
import { recordBodySchema, type AuditRecord, type AuditRecordInput } from './schema.js';
import { sealRecord } from './seal.js';
import { readChainHead, type TornTail } from './tail.js';

export interface AuditLogOptions {
  /** fsync after every record (survives power loss, costs ~0.3 ms per record here; see bench/RESULTS.md). Default false. */
  fsync?: boolean;
  /** Rotate audit.jsonl once it reaches this many bytes. Default 64 MiB. */
  maxFileBytes?: number;
  /** The clock (ms since the epoch); tests inject one. */
  now?: () => number;
  /** Validate every record against the schema before writing. Default true. */
  validate?: boolean;
  /** Told about problems that do not lose a record (a failed rotation). */
  onWarning?: (message: string) => void;
}

export interface AuditLog {
  readonly dir: string;
  /** Set when opening found torn bytes at the end of the trail and attested them with a trail_recovered record. */
  readonly recovered: TornTail | undefined;
  /**
   * Redacts secrets in every string of the record (redactRecord), then seals and writes it before returning it;
   * throws ToolgateError (AUDIT_WRITE, AUDIT_INVALID) if it cannot.
   */
  append(rec: AuditRecordInput): AuditRecord;
  /** Records written so far in the whole trail and the hash of the last one. */
  head(): { count: number; head: string };
  close(): void;
}

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

// Writes every byte of a buffer at the end of the file.
function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

function writeError(dir: string, e: unknown): ToolgateError {
  return new ToolgateError('AUDIT_WRITE', `cannot write the audit trail in ${dir}: ${(e as Error).message}`, {
    cause: e,
    hint: 'check free space and permissions of the audit directory; the supervisor denies calls it cannot record',
  });
}

// Opens (creating if needed) the trail in `dir` and continues its chain; torn bytes at the end are attested, not lost.
export function openAuditLog(dir: string, opts: AuditLogOptions = {}): AuditLog {
  const fsync = opts.fsync ?? false;
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const now = opts.now ?? Date.now;
  const validate = opts.validate ?? true;
  const active = path.join(dir, ACTIVE_FILE);
  let fd = -1;
  let size = 0;
  let count = 0;
  let prev = '';
  let broken = false;
  let recovered: TornTail | undefined;

  const openActive = (): void => {
    fd = fs.openSync(active, 'a', 0o600);
    size = fs.fstatSync(fd).size;
  };

  const seal = (body: AuditRecordInput): { buf: Buffer; record: AuditRecord } => {
    const { line, record } = sealRecord(body, count + 1, new Date(now()).toISOString(), prev);
    return { buf: Buffer.from(line + '\n', 'utf8'), record };
  };

  // Reads the chain head; torn bytes get a newline and a trail_recovered record attesting them.
  const resume = (): void => {
    const h = readChainHead(dir);
    count = h.count;
    prev = h.head;
    if (fd === -1) openActive();
    else size = fs.fstatSync(fd).size;
    if (h.unterminated) {
      writeAll(fd, Buffer.from('\n'));
      size += 1;
    }
    if (!h.torn) return;
    const t = h.torn;
    const { buf, record } = seal({
      kind: 'trail_recovered',
      file: path.basename(t.file),
      line: t.line,
      bytes: t.bytes,
      sha256: t.sha256,
    });
    writeAll(fd, t.terminated ? buf : Buffer.concat([Buffer.from('\n'), buf]));
    if (fsync) fs.fsyncSync(fd);
    size = fs.fstatSync(fd).size;
    count = record.seq;
    prev = record.hash;
    recovered = t;
  };

  const rotate = (): void => {
    try {
      fs.closeSync(fd);
      fd = -1;
      const next = (listRotatedNumbers(dir).at(-1) ?? 0) + 1;
      fs.renameSync(active, path.join(dir, rotatedName(next)));
      if (fsync) syncDir(dir);
    } catch (e) {
      opts.onWarning?.(`audit rotation failed: ${(e as Error).message}`);
    } finally {
      if (fd === -1) openActive();
    }
  };

  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    resume();
  } catch (e) {
    if (fd !== -1) fs.closeSync(fd);
    throw e instanceof ToolgateError ? e : writeError(dir, e);
  }

  return {
    dir,
    get recovered() {
      return recovered;
    },
    head: () => ({ count, head: prev }),
    append(input) {
      if (fd === -1)
        throw new ToolgateError('AUDIT_WRITE', 'the audit log is closed', { hint: 'open it again' });
      const rec = redactRecord(input);
      if (validate) {
        const r = recordBodySchema.safeParse(rec);
        if (!r.success) {
          const i = r.error.issues[0];
          throw new ToolgateError(
            'AUDIT_INVALID',
            `audit record (${rec.kind}) invalid: ${i?.path.join('.')} ${i?.message}`,
            {
              hint: 'this is a bug in the caller: every field of the record kind must be present and typed',
            },
          );
        }
      }
      try {
        if (broken) {
          resume();
          broken = false;
        }
        const { buf, record } = seal(rec);
        writeAll(fd, buf);
        if (fsync) fs.fsyncSync(fd);
        size += buf.length;
        count = record.seq;
        prev = record.hash;
        if (size >= maxBytes) rotate();
        return record;
      } catch (e) {
        broken = true;
        throw e instanceof ToolgateError ? e : writeError(dir, e);
      }
    },
    close() {
      if (fd === -1) return;
      if (fsync) fs.fsyncSync(fd);
      fs.closeSync(fd);
      fd = -1;
    },
  };
}

// fsyncs a directory so a rename in it survives power loss.
function syncDir(dir: string): void {
  const dfd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dfd);
  } finally {
    fs.closeSync(dfd);
  }
}

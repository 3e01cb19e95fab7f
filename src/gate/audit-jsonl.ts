// An append-only JSONL sink for audit records (stand-in until the hash-chained trail is wired).
import fs from 'node:fs';
import path from 'node:path';
import type { AuditSink } from './supervisor.js';

export function jsonlAuditSink(dir: string): AuditSink & { close(): void } {
  const fd = fs.openSync(path.join(dir, 'audit.jsonl'), 'a', 0o600);
  return {
    append(record) {
      fs.writeSync(fd, JSON.stringify({ ts: new Date().toISOString(), ...record }) + '\n');
    },
    close() {
      fs.closeSync(fd);
    },
  };
}

// Reading a trail's records in order, filtered; lines that are not sealed records are skipped (verify reports them).
import { listAuditFiles } from './files.js';
import { matchesFilter, type AuditFilter } from './filter.js';
import type { AuditRecord } from './schema.js';
import { walkTrail } from './walk.js';

// Yields the trail's sealed records that pass the filter, oldest first.
export function* iterateAudit(dir: string, filter: AuditFilter = {}): Generator<AuditRecord> {
  for (const e of walkTrail(listAuditFiles(dir))) {
    if (e.unsealed.ok && matchesFilter(e.unsealed.record, filter)) yield e.unsealed.record;
  }
}

// Reads the trail's sealed records that pass the filter, oldest first.
export function readAudit(dir: string, filter: AuditFilter = {}): AuditRecord[] {
  return Array.from(iterateAudit(dir, filter));
}

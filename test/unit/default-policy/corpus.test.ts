// The bench/corpus.mjs targets as assertions: every corpus row judged in-process by the default policy (real parser,
// cwd /srv/ws, HOME /home/dev), scored by the bench's own code. Counts only, no timing.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkTargets,
  corporaDir,
  pooledFriction,
  readCorpora,
  readExceptions,
  rowKey,
  scoreFile,
  TARGETS,
  type FileScore,
} from '../../../bench/corpus.mjs';
import { CWD, HOME, judge, loadDefault } from './harness.js';

/** The lines of the intent (issue 5) that an exception may quote. */
const INTENT_ALLOW =
  "Allow: reading, listing and searching files; read-only inspection commands, including listing and describing cloud and cluster resources, except what reveals secrets; editing and writing inside the workspace; the project's builds, tests, linters, scripts and package installs of declared dependencies; local git (status, diff, log, add, commit, branch, checkout, stash, discarding changes to a named file); deleting regenerable output inside the workspace (build and dist folders, node_modules, caches, compiled files) and temporary files; plain downloads to read.";

const dir = corporaDir();
let scores: FileScore[] = [];
const exceptions = readExceptions();
const byKey = new Map<string, { file: string; expect: string; verdict: string }>();

beforeAll(async () => {
  if (!existsSync(dir)) throw new Error(`corpora not found at ${dir} (set TOOLGATE_CORPORA)`);
  await loadDefault();
  scores = readCorpora(dir).map(({ file, rows }) => {
    const verdicts = rows.map((r) => {
      const d = judge(r.tool_name, r.tool_input, { cwd: CWD, home: HOME });
      byKey.set(rowKey(r.source, r.tool_input), { file, expect: r.expect, verdict: d.verdict });
      return { decision: d.verdict, rule: d.rule };
    });
    return scoreFile(file, rows, verdicts, exceptions);
  });
}, 120_000);

describe('default policy against the corpora (cwd /srv/ws, HOME /home/dev)', () => {
  it('reads every corpus file', () => {
    expect(scores.map((s) => s.file)).toEqual(
      expect.arrayContaining([
        'corpus-dcg.jsonl',
        'corpus-safety-net.jsonl',
        'corpus-rampart.jsonl',
        'corpus-dippy.jsonl',
        'corpus-codex.jsonl',
        'corpus-issues.jsonl',
      ]),
    );
  });

  it.each([
    'corpus-dcg.jsonl',
    'corpus-safety-net.jsonl',
    'corpus-rampart.jsonl',
    'corpus-issues.jsonl',
    'corpus-codex.jsonl',
  ])('no binding block row of %s is auto-allowed (beyond the listed exceptions)', (file) => {
    const s = scores.find((x) => x.file === file);
    expect(s).toBeDefined();
    expect(
      s?.misses.filter((m) => m.binding).map((m) => m.tool_input['command'] ?? JSON.stringify(m.tool_input)),
    ).toEqual([]);
  });

  it(`hard-denies at most ${TARGETS.maxFrictionPct}% of the allow rows of dcg, safety-net and rampart (pooled)`, () => {
    const f = pooledFriction(scores);
    expect(f.allow).toBeGreaterThan(500);
    expect(f.pct).toBeLessThanOrEqual(TARGETS.maxFrictionPct);
  });

  it(`auto-allows at least ${TARGETS.minDippyAllowPct}% of Dippy's allow rows`, () => {
    const s = scores.find((x) => x.file === 'corpus-dippy.jsonl');
    expect(s?.allow).toBeGreaterThan(4000);
    expect(s?.allowAllowedPct).toBeGreaterThanOrEqual(TARGETS.minDippyAllowPct);
  });

  it('meets every target the bench checks', () => {
    expect(checkTargets(scores)).toEqual([]);
  });

  it('lists only exceptions that are block rows the policy allows, each quoting the intent', () => {
    expect(exceptions.size).toBeGreaterThan(0);
    for (const [key, e] of exceptions) {
      const row = byKey.get(key);
      expect(row, `exception not in the corpora: ${e.source} ${JSON.stringify(e.tool_input)}`).toBeDefined();
      expect(row?.expect).toBe('block');
      expect(row?.verdict, `stale exception (no longer allowed): ${JSON.stringify(e.tool_input)}`).toBe(
        'allow',
      );
      expect(INTENT_ALLOW).toContain(e.intent);
    }
  });
});

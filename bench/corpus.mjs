// The default policy against the labelled corpora of other guard projects (run after `npx tsc -p tsconfig.json`).
// Every row of <corpora>/*.jsonl goes to `toolgate policy eval --policy policies/default.yaml` as a PreToolUse payload
// with cwd /srv/ws, HOME=/home/dev (the CLI reads HOME from its environment). Per file it prints the misses (a `block`
// row auto-allowed, minus the rows listed in bench/corpus-exceptions.jsonl), the friction (an `allow` row denied or
// escalated) and the missed rows, plus the same figures for two baselines (allow-everything, strict.yaml) measured
// in the same run. Exits 1 when a target is missed.
//
// Usage: node bench/corpus.mjs [--json] [--all] [--policy FILE]
//   corpora: $TOOLGATE_CORPORA, else ../shared/corpora relative to the repo root.
//   --all    list every miss and every hard-denied allow row of every file (informative files included).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOOLGATE = path.join(ROOT, 'bin/toolgate.js');
export const CWD = '/srv/ws';
export const HOME = '/home/dev';

/** Files whose `block` rows must never be auto-allowed, and whose `allow` rows must rarely be hard-denied. */
const GUARDS = ['corpus-dcg.jsonl', 'corpus-safety-net.jsonl', 'corpus-rampart.jsonl'];
const BINDING_BLOCK = new Set([...GUARDS, 'corpus-issues.jsonl']);
export const TARGETS = { maxFrictionPct: 2, minDippyAllowPct: 90 };

export function corporaDir() {
  return process.env.TOOLGATE_CORPORA ?? path.resolve(ROOT, '../shared/corpora');
}

/** The rows of every corpus file, in file order. */
export function readCorpora(dir = corporaDir()) {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  return files.map((file) => ({
    file,
    rows: fs
      .readFileSync(path.join(dir, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l)),
  }));
}

/** Key of a row for the exceptions list: its source and its tool input. */
export const rowKey = (source, input) => `${source}\u0000${JSON.stringify(input)}`;

export function readExceptions(file = path.join(ROOT, 'bench/corpus-exceptions.jsonl')) {
  const out = new Map();
  if (!fs.existsSync(file)) return out;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const e = JSON.parse(line);
    if (typeof e.source !== 'string' || !e.tool_input || typeof e.intent !== 'string' || e.intent === '') {
      throw new Error(`bad exception line (needs source, tool_input, intent): ${line}`);
    }
    out.set(rowKey(e.source, e.tool_input), e);
  }
  return out;
}

/** Runs rows through `toolgate policy eval` in one process; returns one {decision, rule, reason} per row. */
export function evalRows(policyFile, rows, { cwd = CWD, home = HOME } = {}) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, HOME: home, TOOLGATE_STATE_DIR: '/run/toolgate-corpus-bench' };
    const child = spawn(process.execPath, [TOOLGATE, 'policy', 'eval', '--policy', policyFile], {
      cwd: ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = out.split('\n').filter((l) => l !== '');
      if (code !== 0 || lines.length !== rows.length) {
        reject(
          new Error(
            `policy eval exited ${code} with ${lines.length}/${rows.length} verdicts: ${err.slice(0, 2000)}`,
          ),
        );
        return;
      }
      resolve(lines.map((l) => JSON.parse(l)));
    });
    const payloads = rows.map((r, i) =>
      JSON.stringify({
        session_id: 'corpus',
        cwd,
        hook_event_name: 'PreToolUse',
        tool_name: r.tool_name,
        tool_input: r.tool_input,
        tool_use_id: `row-${i}`,
      }),
    );
    child.stdin.on('error', () => {}); // the close handler reports an early exit
    child.stdin.end(payloads.join('\n') + '\n');
  });
}

const pct = (n, d) => (d === 0 ? 0 : (100 * n) / d);

/** Figures for one file under one policy. */
export function scoreFile(file, rows, verdicts, exceptions) {
  const codex = file === 'corpus-codex.jsonl';
  const s = {
    file,
    rows: rows.length,
    block: 0,
    allow: 0,
    blockAllowed: 0,
    excepted: 0,
    misses: [],
    bindingMisses: 0,
    allowDenied: 0,
    allowEscalated: 0,
    allowAllowed: 0,
    denied: [],
    notAllowedBy: {},
    binding: BINDING_BLOCK.has(file) || codex,
    guard: GUARDS.includes(file),
    dangerous: 0,
  };
  rows.forEach((r, i) => {
    const v = verdicts[i];
    if (r.expect === 'block') {
      s.block++;
      const dangerous = codex && /dangerous_command_match/.test(r.note ?? '');
      if (dangerous) s.dangerous++;
      if (v.decision !== 'allow') return;
      s.blockAllowed++;
      if (exceptions.has(rowKey(r.source, r.tool_input))) {
        s.excepted++;
        return;
      }
      const binding = BINDING_BLOCK.has(file) || dangerous;
      if (binding) s.bindingMisses++;
      s.misses.push({ binding, source: r.source, tool_input: r.tool_input, note: r.note, rule: v.rule });
    } else {
      s.allow++;
      if (v.decision === 'allow') s.allowAllowed++;
      else {
        if (v.decision === 'deny') {
          s.allowDenied++;
          s.denied.push({ source: r.source, tool_input: r.tool_input, rule: v.rule });
        } else s.allowEscalated++;
        const key = `${v.decision} ${v.rule}`;
        s.notAllowedBy[key] = (s.notAllowedBy[key] ?? 0) + 1;
      }
    }
  });
  s.frictionPct = pct(s.allowDenied, s.allow);
  s.allowAllowedPct = pct(s.allowAllowed, s.allow);
  return s;
}

/** Checks the targets against the default policy's figures; returns the failures as sentences. */
export function pooledFriction(scores) {
  const g = scores.filter((s) => s.guard);
  const allow = g.reduce((n, s) => n + s.allow, 0);
  const denied = g.reduce((n, s) => n + s.allowDenied, 0);
  return { allow, denied, pct: pct(denied, allow) };
}

export function checkTargets(scores) {
  const fail = [];
  for (const s of scores) {
    if (s.bindingMisses > 0) fail.push(`${s.file}: ${s.bindingMisses} binding block row(s) auto-allowed`);
    if (s.file === 'corpus-dippy.jsonl' && s.allowAllowedPct < TARGETS.minDippyAllowPct)
      fail.push(
        `${s.file}: ${s.allowAllowedPct.toFixed(2)}% of allow rows auto-allowed (target >= ${TARGETS.minDippyAllowPct}%)`,
      );
  }
  const g = scores.filter((s) => s.guard);
  const allow = g.reduce((n, s) => n + s.allow, 0);
  const denied = g.reduce((n, s) => n + s.allowDenied, 0);
  // The friction target pools the allow rows of the three default-allow guards (per-file figures are printed too).
  if (pct(denied, allow) > TARGETS.maxFrictionPct)
    fail.push(
      `dcg+safety-net+rampart: ${pct(denied, allow).toFixed(2)}% of allow rows hard-denied (target <= ${TARGETS.maxFrictionPct}%)`,
    );
  return fail;
}

/** Measures every corpus file under the given policies (the first is the one judged). */
export async function measure(policies, dir = corporaDir()) {
  const corpora = readCorpora(dir);
  const exceptions = readExceptions();
  const all = corpora.flatMap((c) => c.rows);
  const results = {};
  for (const [label, file] of policies) {
    const verdicts = await evalRows(file, all);
    let at = 0;
    results[label] = corpora.map((c) => {
      const v = verdicts.slice(at, at + c.rows.length);
      at += c.rows.length;
      return scoreFile(c.file, c.rows, v, exceptions);
    });
  }
  return { corpora, exceptions, results };
}

function baselinePolicies() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'toolgate-corpus-'));
  const allowAll = path.join(tmp, 'allow-all.yaml');
  // Unknown shell text can only escalate or deny, so "allow everything" still escalates what does not parse.
  fs.writeFileSync(allowAll, 'version: 1\nname: allow-all\ndefault: allow\nrules: []\n');
  return {
    tmp,
    list: [
      ['allow-all', allowAll],
      ['strict', path.join(ROOT, 'policies/strict.yaml')],
    ],
  };
}

function show(r, i) {
  const input = r.tool_input.command ?? JSON.stringify(r.tool_input);
  return `    ${i + 1}. [${r.rule}] ${String(input).replace(/\s+/g, ' ').slice(0, 160)}  (${r.source})`;
}

async function main() {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const every = args.includes('--all');
  const pi = args.indexOf('--policy');
  const policy = pi >= 0 ? path.resolve(args[pi + 1]) : path.join(ROOT, 'policies/default.yaml');
  const base = baselinePolicies();
  let m;
  try {
    m = await measure([['default', policy], ...base.list]);
  } finally {
    fs.rmSync(base.tmp, { recursive: true, force: true });
  }
  const scores = m.results.default;
  const failures = checkTargets(scores);
  if (json) {
    process.stdout.write(
      JSON.stringify(
        {
          cwd: CWD,
          home: HOME,
          corpora: corporaDir(),
          policy: path.relative(ROOT, policy),
          targets: TARGETS,
          failures,
          results: m.results,
        },
        null,
        1,
      ) + '\n',
    );
    process.exit(failures.length ? 1 : 0);
  }
  console.log(
    `corpora ${corporaDir()}; every row with cwd ${CWD}, HOME ${HOME}; policy ${path.relative(ROOT, policy)}; ${m.exceptions.size} listed exception(s)`,
  );
  console.log('');
  const head =
    'file                                   rows  block  misses(binding) excepted | allow  denied  friction%  escal.  auto-allow%';
  for (const [label] of [['default'], ...base.list]) {
    console.log(`== ${label}`);
    console.log(head);
    for (const s of m.results[label]) {
      console.log(
        `${s.file.padEnd(37)} ${String(s.rows).padStart(5)} ${String(s.block).padStart(6)} ${String(s.misses.length).padStart(7)}(${String(s.bindingMisses).padStart(4)}) ${String(s.excepted).padStart(8)} | ` +
          `${String(s.allow).padStart(5)} ${String(s.allowDenied).padStart(7)} ${s.frictionPct.toFixed(2).padStart(9)} ${String(s.allowEscalated).padStart(7)} ${s.allowAllowedPct.toFixed(2).padStart(11)}`,
      );
    }
    console.log('');
  }
  console.log('== default: rows');
  for (const s of scores) {
    const misses = every ? s.misses : s.misses.filter((x) => x.binding);
    if (misses.length) {
      console.log(`  ${s.file}: block rows auto-allowed${every ? '' : ' (binding)'}`);
      misses.forEach((r, i) => console.log(show(r, i)));
    }
    if ((every || s.guard) && s.denied.length) {
      console.log(`  ${s.file}: allow rows hard-denied`);
      s.denied.forEach((r, i) => console.log(show(r, i)));
    }
    if (s.file === 'corpus-dippy.jsonl') {
      console.log(`  ${s.file}: allow rows not auto-allowed, by verdict and rule`);
      for (const [k, n] of Object.entries(s.notAllowedBy).sort((a, b) => b[1] - a[1]))
        console.log(`    ${String(n).padStart(5)}  ${k}`);
    }
  }
  const pf = pooledFriction(scores);
  const dippy = scores.find((s) => s.file === 'corpus-dippy.jsonl');
  console.log('');
  console.log(
    `binding misses (after exceptions): ${scores.reduce((n, s) => n + s.bindingMisses, 0)}; listed exceptions used: ${scores.reduce((n, s) => n + s.excepted, 0)}`,
  );
  console.log(
    `friction, dcg+safety-net+rampart allow rows hard-denied: ${pf.denied}/${pf.allow} = ${pf.pct.toFixed(2)}% (target <= ${TARGETS.maxFrictionPct}%)`,
  );
  if (dippy)
    console.log(
      `Dippy allow rows auto-allowed: ${dippy.allowAllowed}/${dippy.allow} = ${dippy.allowAllowedPct.toFixed(2)}% (target >= ${TARGETS.minDippyAllowPct}%)`,
    );
  if (failures.length) {
    console.log('TARGETS MISSED:');
    for (const f of failures) console.log(`  - ${f}`);
    process.exit(1);
  }
  console.log('all targets met');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
}

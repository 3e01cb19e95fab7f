// Benchmark of the audit writer (run after `npm run build`): per-append latency and records/s with fsync off and on,
// against a plain appendFileSync / writeSync+fsync of the same line measured in the same run, plus redaction and verify.
// Usage: node bench/audit-append.mjs [--records N] [--fsync-records M]   (TOOLGATE_DIST=dir for another build output)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist =
  process.env.TOOLGATE_DIST ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const load = (p) => import(pathToFileURL(path.join(dist, p)).href);
const { openAuditLog } = await load('audit/writer.js');
const { redactInput } = await load('audit/redact.js');
const { verifyAudit } = await load('audit/verify.js');
const { sealRecord } = await load('audit/seal.js');
const arg = (name, dflt) => Number(process.argv[process.argv.indexOf(name) + 1]) || dflt;
const N = arg('--records', 20000);
const NF = arg('--fsync-records', 2000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'toolgate-bench-audit-'));

const commands = [
  'git status --porcelain',
  'npm test -- --reporter=dot src/policy/compile.test.ts',
  "curl -s -H 'Authorization: Bearer abcdef0123456789' https://api.example.com/v1/items?page=2",
  'export API_KEY=sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv && ./deploy.sh --env staging',
  'rg -n "TODO|FIXME" src test | head -50',
];
// A decision record as the supervisor writes it: redacted input, trace of 3 rules.
function decision(i) {
  const raw = { command: commands[i % commands.length], description: 'run the thing', timeout: 120000 };
  const { input, redacted } = redactInput('Bash', raw);
  return {
    kind: 'decision',
    decision_id: `01J${String(i).padStart(10, '0')}`,
    call: `9f8e7d6c-5b4a-3c2d-1e0f-${String(i).padStart(12, '0')}.toolu_01${i}`,
    worker: `w${i % 8}`,
    worker_id: '9f8e7d6c-5b4a-3c2d-1e0f-a1b2c3d4e5f6',
    session: '9f8e7d6c-5b4a-3c2d-1e0f-a1b2c3d4e5f6',
    tool_use_id: `toolu_01${i}`,
    tool: 'Bash',
    input,
    ...(redacted.length ? { redacted } : {}),
    verdict: i % 7 === 0 ? 'deny' : 'allow',
    hook_decision: i % 7 === 0 ? 'deny' : 'allow',
    rule: 'allow-readonly-git',
    rules: ['allow-readonly-git', 'default', 'floor:none'],
    reason: 'read-only git and test commands are allowed',
    revision: 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c',
    decided_by: 'policy',
    latency_ms: 0.4,
  };
}

const stats = (us, totalMs) => {
  const s = [...us].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return {
    n: s.length,
    median: q(0.5),
    p99: q(0.99),
    max: s[s.length - 1],
    perSec: Math.round(s.length / (totalMs / 1000)),
  };
};
// Times `fn(i)` for i in [0, n): per-call microseconds and the total.
function time(n, fn) {
  const us = new Array(n);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    fn(i);
    us[i] = (performance.now() - a) * 1000;
  }
  return stats(us, performance.now() - t0);
}

const bodies = Array.from({ length: N }, (_, i) => decision(i));
// The exact lines the writer produces, for the baselines (sealed once up front, outside the timing).
const lines = bodies.map(
  (b, i) => sealRecord(b, i + 1, new Date().toISOString(), '0'.repeat(64)).line + '\n',
);
const avgBytes = Math.round(lines.reduce((a, l) => a + Buffer.byteLength(l), 0) / N);

const results = {};
function runWriter(name, n, opts) {
  const dir = path.join(root, name);
  const log = openAuditLog(dir, opts);
  for (let i = 0; i < 200; i++) log.append(bodies[i]); // warm-up
  results[name] = time(n, (i) => log.append(bodies[i]));
  log.close();
}
function runBaseline(name, n, fsync) {
  const file = path.join(root, `${name}.jsonl`);
  if (!fsync) {
    for (let i = 0; i < 200; i++) fs.appendFileSync(file, lines[i]);
    results[name] = time(n, (i) => fs.appendFileSync(file, lines[i]));
    return;
  }
  const fd = fs.openSync(file, 'a', 0o600);
  for (let i = 0; i < 50; i++) fs.writeSync(fd, lines[i]);
  results[name] = time(n, (i) => {
    fs.writeSync(fd, lines[i]);
    fs.fsyncSync(fd);
  });
  fs.closeSync(fd);
}

runBaseline('baseline appendFileSync', N, false);
runWriter('writer fsync off', N, { fsync: false });
runWriter('writer fsync off, no validation', N, { fsync: false, validate: false });
runBaseline('baseline writeSync+fsync', NF, true);
runWriter('writer fsync on', NF, { fsync: true });
results['redactInput (Bash command)'] = time(N, (i) =>
  redactInput('Bash', { command: commands[i % commands.length], description: 'x' }),
);
const big = { file_path: '/src/a.ts', content: 'const x = 1;\n'.repeat(20000) };
results['redactInput (Write, 260 KB content)'] = time(500, () => redactInput('Write', big));
const vt = performance.now();
const v = verifyAudit(path.join(root, 'writer fsync off'));
const verifyMs = performance.now() - vt;

const cpu = os.cpus()[0]?.model ?? 'unknown';
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
console.log(
  `machine: ${os.type()} ${os.release()} ${os.arch()}; ${os.cpus().length} x ${cpu}; node ${process.version}; fs ${root}`,
);
console.log(`record: ${avgBytes} bytes on average (Bash decision, redacted)\n`);
console.log('| case | n | median µs | p99 µs | max µs | records/s | median vs baseline |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const [name, r] of Object.entries(results)) {
  const base = name.includes('fsync on')
    ? results['baseline writeSync+fsync']
    : name.startsWith('writer')
      ? results['baseline appendFileSync']
      : undefined;
  const ratio = base ? `${(r.median / base.median).toFixed(2)}x` : '';
  console.log(
    `| ${name} | ${r.n} | ${fmt(r.median)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.perSec} | ${ratio} |`,
  );
}
console.log(
  `\nverify: ${v.count} records in ${verifyMs.toFixed(0)} ms (${Math.round(v.count / (verifyMs / 1000))} records/s), ok=${v.ok}`,
);
fs.rmSync(root, { recursive: true, force: true });

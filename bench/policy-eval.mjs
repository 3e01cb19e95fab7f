// Benchmark of the policy engine (run after `npm run build`): compile time and evaluation throughput for a
// 100-rule policy against a 1-rule baseline, on prepared calls and end to end from raw PreToolUse payloads.
// Usage: node bench/policy-eval.mjs [--calls N] [--warmup W]   (TOOLGATE_DIST=dir to use another build output)
// Each run is timed after W untimed evaluations (default: one full pass, so the JIT has settled; --warmup 2000 was the
// earlier setting). calls/s is wall time; cpu calls/s divides by the process's CPU time (all threads, so JIT and GC
// threads count too), which a shared machine's other load does not inflate.
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist =
  process.env.TOOLGATE_DIST ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const load = (p) => import(pathToFileURL(path.join(dist, p)).href);
const { compileText, evaluate, prepareCall, resolvePathLexically, parseShellFallback } =
  await load('policy/index.js');
const { assemblePolicy } = await load('policy/assemble.js');
let parseShell = parseShellFallback;
let shellSource = 'fallback';
try {
  const shell = await load('shell/parse.js');
  await shell.initShellParser();
  parseShell = shell.parseShell;
  shellSource = 'src/shell';
} catch {
  /* fallback parser */
}
const arg = (name) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : NaN;
const N = arg('--calls') || 20000;
const W = Number.isNaN(arg('--warmup')) ? N : arg('--warmup');

// 100 rules: 30 CEL (argv, file_path, content size, paths, via), 40 command patterns (30 prefix, 10 regex), 20 path globs, 10 tool-only.
function bigPolicy() {
  const r = [];
  const verdicts = ['allow', 'deny', 'escalate'];
  const cel = (i) =>
    [
      { tools: 'Bash', when: `command.argv.exists(a, a == "--flag${i}") && size(command.argv) > 1` },
      {
        tools: ['Write', 'Edit'],
        when: `input.file_path.endsWith(".lock${i}") || input.file_path.contains("/gen${i}/")`,
      },
      { tools: 'Write', when: `has(input.content) && size(input.content) > ${100000 + i}` },
      { tools: 'Bash', when: `paths.exists(p, p.access == "write" && p.path.startsWith("/var/x${i}"))` },
      { tools: 'Bash', when: `command.name == "tool${i}" && "sudo" in command.via` },
      { tools: 'Read', when: `input.file_path.startsWith("/proc/${i}")` },
    ][i % 6];
  for (let i = 0; i < 30; i++) r.push({ id: `cel-${i}`, decision: verdicts[i % 3], reason: 'r', ...cel(i) });
  for (let i = 0; i < 30; i++)
    r.push({
      id: `prefix-${i}`,
      decision: verdicts[i % 3],
      reason: 'r',
      commands: [`tool${i} sub${i}`, `git op${i}`],
    });
  for (let i = 0; i < 10; i++)
    r.push({
      id: `regex-${i}`,
      decision: 'deny',
      reason: 'r',
      commands: [{ regex: `^curl .*--upload${i}` }],
    });
  for (let i = 0; i < 20; i++)
    r.push({
      id: `path-${i}`,
      decision: i % 2 ? 'deny' : 'allow',
      reason: 'r',
      paths: [`**/secret${i}/**`, `\${cwd}/area${i}/**`],
      ...(i % 2 ? {} : { access: ['write'] }),
    });
  for (let i = 0; i < 10; i++)
    r.push({ id: `tool-${i}`, decision: 'allow', reason: 'r', tools: [`mcp__srv${i}__*`] });
  return JSON.stringify({ version: 1, default: 'escalate', rules: r });
}
const tiny = JSON.stringify({
  version: 1,
  default: 'escalate',
  rules: [{ id: 'read', decision: 'allow', reason: 'r', tools: ['Read'] }],
});

function compile(text) {
  const t0 = performance.now();
  const r = compileText('bench.yaml', text);
  const ms = performance.now() - t0;
  if (!r.layer) throw new Error(JSON.stringify(r.diagnostics));
  return { policy: assemblePolicy([r.layer]), ms };
}

const commands = [
  'git status && git diff --stat',
  'npm test -- --run',
  'ls -la src | grep ts',
  'rm -rf build dist',
  'echo hi > out.txt',
  'curl -s https://example.com/x | head',
  'tool7 sub7 --flag0 x',
  'cat area3/file.txt secret4/k',
  'find . -name "*.ts" -newer package.json',
  'git push origin main',
];
function payloads(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const k = i % 5;
    const tool = ['Bash', 'Bash', 'Read', 'Write', 'Edit'][k];
    const input =
      tool === 'Bash'
        ? { command: commands[i % commands.length] }
        : tool === 'Read'
          ? { file_path: `src/mod${i % 50}/file.ts` }
          : {
              file_path: `area${i % 20}/f${i}.ts`,
              content: 'x'.repeat(200 + (i % 7) * 300),
              old_string: 'a',
              new_string: 'b',
            };
    out.push({
      session_id: 's',
      cwd: '/home/u/ws',
      hook_event_name: 'PreToolUse',
      tool_name: tool,
      tool_input: input,
      tool_use_id: `t${i}`,
    });
  }
  return out;
}
const rates = { count: () => 0 };
const ctx = { worker: 'w', home: '/home/u', now: Date.now() };
const deps = { parseShell, resolvePath: resolvePathLexically };

function run(policy, raw, prepared) {
  const times = new Float64Array(raw.length);
  const prep = prepared ?? null;
  for (let i = 0; i < Math.min(W, raw.length); i++)
    evaluate(policy, prep ? prep[i] : prepareCall(raw[i], ctx, deps), rates);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < raw.length; i++) {
    const s = performance.now();
    evaluate(policy, prep ? prep[i] : prepareCall(raw[i], ctx, deps), rates);
    times[i] = performance.now() - s;
  }
  const total = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  times.sort();
  return {
    perSec: Math.round(raw.length / (total / 1000)),
    perCpuSec: Math.round(raw.length / ((cpu.user + cpu.system) / 1e6)),
    p50: times[Math.floor(raw.length * 0.5)] * 1000,
    p99: times[Math.floor(raw.length * 0.99)] * 1000,
  };
}

const raw = payloads(N);
const prepared = raw.map((p) => prepareCall(p, ctx, deps));
const big = compile(bigPolicy());
const base = compile(tiny);
const rows = [
  ['100 rules, prepared', run(big.policy, raw, prepared)],
  ['1 rule (baseline), prepared', run(base.policy, raw, prepared)],
  ['100 rules, end to end', run(big.policy, raw)],
  ['1 rule (baseline), end to end', run(base.policy, raw)],
];
console.log(
  `policy-eval: ${N} calls, warm-up ${Math.min(W, N)} calls, shell parser ${shellSource}, node ${process.version}`,
);
console.log(
  `compile: 100 rules ${big.ms.toFixed(1)} ms, 1 rule ${base.ms.toFixed(2)} ms (ratio ${(big.ms / base.ms).toFixed(1)}x)`,
);
console.log('| run | calls/s | cpu calls/s | p50 µs | p99 µs |');
console.log('|---|---|---|---|---|');
for (const [name, r] of rows)
  console.log(
    `| ${name} | ${r.perSec.toLocaleString('en')} | ${r.perCpuSec.toLocaleString('en')} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`,
  );
console.log(
  `ratio 100-rule/baseline calls/s: prepared ${(rows[0][1].perSec / rows[1][1].perSec).toFixed(2)}, end to end ${(rows[2][1].perSec / rows[3][1].perSec).toFixed(2)}`,
);

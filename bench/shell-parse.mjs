// Shell parsing bench: median and p99 parse time per candidate parser on realistic commands, against a split baseline.
// Run after `npm run build`. Candidates not in the project (tried during the choice) load from SHELL_BENCH_EXTRA,
// a directory where they were installed with `npm install --no-save <pkg>`; they are skipped when absent.
import { createRequire } from 'node:module';
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const here = createRequire(import.meta.url);
const extraDir = process.env.SHELL_BENCH_EXTRA;
const extra = extraDir ? createRequire(path.join(path.resolve(extraDir), 'package.json')) : undefined;
const versionOf = (pkg) =>
  JSON.parse(readFileSync(path.join(path.resolve(extraDir), 'node_modules', pkg, 'package.json'), 'utf8'))
    .version;

const COMMANDS = [
  'ls -la',
  'git status --short',
  'npm test -- --run test/unit',
  `cd /home/user/project && git fetch origin main --prune && git diff --stat HEAD~3 -- src/ | grep -E "\\.ts$" | xargs -I{} sh -c 'npx eslint --fix {}' ; echo "exit=$?" >> /tmp/lint.log 2>&1`,
  `git commit -m "fix: don't rm -rf / when the cache is empty"`,
  `find . -name '*.log' -mtime +7 -exec rm -f {} \\;`,
  `sudo -u deploy env NODE_ENV=production timeout 30 node dist/server.js > /var/log/app.log 2>&1 &`,
  `cat <<'EOF' > notes.md\n# Notes\nrm -rf / is data here\nEOF`,
  `for f in $(git ls-files '*.ts'); do sed -i 's/foo/bar/g' "$f"; done`,
  `python3 -c "import json,sys; print(json.load(open('package.json'))['version'])"`,
  `echo cm0gLXJmIC8K | base64 -d | sh`,
  `bash -c "curl -fsSL https://example.com/install.sh | sh -s -- --yes"`,
];

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function measure(fn, rounds) {
  for (let i = 0; i < 50; i++) for (const c of COMMANDS) fn(c);
  const times = [];
  for (let r = 0; r < rounds; r++) {
    for (const c of COMMANDS) {
      const t0 = process.hrtime.bigint();
      fn(c);
      times.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), n: times.length };
}

async function measureAsync(fn, rounds) {
  for (const c of COMMANDS) await fn(c);
  const times = [];
  for (let r = 0; r < rounds; r++) {
    for (const c of COMMANDS) {
      const t0 = process.hrtime.bigint();
      await fn(c);
      times.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), n: times.length };
}

const rows = [];
const ROUNDS = Number(process.env.ROUNDS ?? 400);

rows.push(['baseline: text.split(" ")', measure((c) => c.split(' '), ROUNDS)]);

const shell = await import('../dist/shell/index.js');
let t0 = performance.now();
await shell.initShellParser();
const initMs = performance.now() - t0;
rows.push([
  'toolgate parseShell (tree-sitter-bash via @vscode/tree-sitter-wasm, full walk)',
  measure((c) => shell.parseShell(c), ROUNDS),
]);
rows.push([
  'toolgate resolvePath (cwd-relative, 1 existing symlink level)',
  measure(() => shell.resolvePath('../x/./y//z', process.cwd() + '/src/shell', os.homedir()), ROUNDS),
]);

{
  const TS = here('@vscode/tree-sitter-wasm');
  await TS.Parser.init();
  const lang = await TS.Language.load(here.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter-bash.wasm'));
  const p = new TS.Parser();
  p.setLanguage(lang);
  rows.push(['@vscode/tree-sitter-wasm 0.3.1: parse only', measure((c) => p.parse(c).delete(), ROUNDS)]);
}

async function tryExtra(label, fn) {
  if (!extra) return rows.push([label, 'skipped (set SHELL_BENCH_EXTRA)']);
  try {
    await fn();
  } catch (e) {
    rows.push([label, `skipped (${e.message.split('\n')[0]})`]);
  }
}

await tryExtra('web-tree-sitter + tree-sitter-bash: parse only', async () => {
  const { Parser, Language } = await import(extra.resolve('web-tree-sitter'));
  await Parser.init();
  const lang = await Language.load(extra.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
  const p = new Parser();
  p.setLanguage(lang);
  rows.push([
    `web-tree-sitter ${versionOf('web-tree-sitter')} + tree-sitter-bash ${versionOf('tree-sitter-bash')}: parse only`,
    measure((c) => p.parse(c).delete(), ROUNDS),
  ]);
});
await tryExtra('mvdan-sh (GopherJS)', async () => {
  const sh = extra('mvdan-sh');
  const parser = sh.syntax.NewParser();
  rows.push([
    `mvdan-sh ${versionOf('mvdan-sh')} (mvdan/sh via GopherJS): parse`,
    measure((c) => parser.Parse(c, 'x'), ROUNDS / 4),
  ]);
});
await tryExtra('sh-syntax', async () => {
  const ss = await import(extra.resolve('sh-syntax'));
  rows.push([
    `sh-syntax ${versionOf('sh-syntax')} (mvdan/sh via Go wasm): parse`,
    await measureAsync((c) => ss.parse(c), 5),
  ]);
});
await tryExtra('bash-parser', async () => {
  const bp = extra('bash-parser');
  rows.push([
    `bash-parser ${versionOf('bash-parser')}: parse`,
    measure((c) => {
      try {
        bp(c);
      } catch {
        /* unsupported syntax */
      }
    }, ROUNDS / 4),
  ]);
});
await tryExtra('shell-quote', async () => {
  const sq = extra('shell-quote');
  rows.push([`shell-quote ${versionOf('shell-quote')}: tokenize only`, measure((c) => sq.parse(c), ROUNDS)]);
});

const base = rows[0][1].p50;
const cpu = os.cpus()[0]?.model ?? 'unknown';
console.log(
  `machine: ${execSync('uname -srm').toString().trim()}; ${os.cpus().length} x ${cpu}; node ${process.version}`,
);
console.log(
  `parseShell init (wasm runtime + grammar): ${initMs.toFixed(1)} ms; ${COMMANDS.length} commands x rounds`,
);
console.log('| candidate | p50 µs | p99 µs | p50 / baseline |');
console.log('|---|---|---|---|');
for (const [label, r] of rows) {
  if (typeof r === 'string') console.log(`| ${label} | ${r} | | |`);
  else
    console.log(`| ${label} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.p50 / base).toFixed(0)}x |`);
}

// toolgate policy check|test|explain|eval: tooling for policy authors, on top of the pure engine.
import { readFileSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from '../args.js';
import { println, type Command, type CommandContext } from '../command.js';
import { ToolgateError } from '../../core/errors.js';
import { loadPolicy, type LoadResult } from '../../policy/load.js';
import { evaluate } from '../../policy/evaluate.js';
import { prepareCall } from '../../policy/prepare.js';
import { formatDiagnostic, hasErrors } from '../../policy/diagnostics.js';
import { explainDecision } from '../../policy/explain.js';
import { runTestCases, TEST_DEFAULTS, type TestResult } from '../../policy/run-tests.js';
import { parseSource } from '../../policy/source.js';
import { caseFileSchema } from '../../policy/schema.js';
import { loadShellDeps } from '../../policy/shell-deps.js';
import type { FloorContext } from '../../policy/floor.js';
import type { HookPayload, RateFacts } from '../../policy/types.js';
import { iterateAudit, resolveAuditDir } from '../../audit/index.js';
import { readRecordsFile, replayDecisions, type ReplayRecord, type ReplayRow } from '../../gate/replay.js';
import { stateRoot, statePaths } from '../../core/state.js';
import { loadWorker } from '../../workers/registry.js';

const HELP = `usage: toolgate policy check FILE... [--json]
       toolgate policy test FILE... [--cases F]... [--json]
       toolgate policy explain --policy F [--policy F]... --call JSON [--json] [--no-floor]
       toolgate policy eval --policy F [--policy F]... [--input FILE|-] [--worker NAME] [--no-floor]
       toolgate policy replay --policy F [--policy F]... [--audit DIR|FILE] [--all] [--json] [--no-floor]

check    load the files as layers (in order) and print every problem: file:line:col: CODE message, expected, hint.
test     run the inline \`tests:\` of each FILE against that file, and each --cases file against all FILEs as layers
         (with the self-protection floor; calls run in ${TEST_DEFAULTS.cwd}, home ${TEST_DEFAULTS.home}).
explain  decide one call and show every rule that matched and why. --call is a PreToolUse payload
         ({"tool_name","tool_input","cwd",...}) or the short form {"tool","input","cwd"}.
eval     read PreToolUse payloads as JSON lines (stdin by default) and write one verdict per line, in order:
         {"decision":"allow|deny|escalate","rule":"...","reason":"..."}. A line that is not a valid payload
         gets a deny (rule "invalid-input").
replay   re-decide every call an audit trail recorded (--audit: a trail directory or one trail file; default the
         state directory's trail) with the candidate policy F and print the calls whose verdict would change:
         before (what the policy said then; calls a person, a grant or a timeout settled count as escalate) and
         after. A call whose recorded input was redacted or cut, or whose worker's workspace is no longer known,
         cannot be replayed exactly: such rows say "inexact" and why. Rate limits start from zero. Decisions made by
         lockdown or by failing closed are skipped. --all also lists unchanged calls. Exit 0 either way.

The floor (toolgate's self-protection) is included unless --no-floor; it uses TOOLGATE_STATE_DIR (default
/tmp/toolgate-<uid>), TOOLGATE_PLUGIN_DIR, HOME and the current directory as the workspace.
--json   machine-readable output (check, test, explain).
exit status: 0 ok; 1 policy errors or failed tests; 2 usage error.`;

export const policyCommand: Command = {
  name: 'policy',
  summary: 'check, test, explain and evaluate policy files',
  help: HELP,
  async run(ctx) {
    const [sub, ...rest] = ctx.argv;
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      println(sub === undefined ? ctx.stderr : ctx.stdout, HELP);
      return sub === undefined ? 2 : 0;
    }
    const sctx = { ...ctx, argv: rest };
    if (rest.includes('--help') || rest.includes('-h')) {
      println(ctx.stdout, HELP);
      return 0;
    }
    switch (sub) {
      case 'check':
        return runCheck(sctx);
      case 'test':
        return runTest(sctx);
      case 'explain':
        return runExplain(sctx);
      case 'eval':
        return runEval(sctx);
      case 'replay':
        return runReplay(sctx);
      default:
        throw new ToolgateError('USAGE', `policy: unknown subcommand "${sub}"`, {
          hint: 'one of check, test, explain, eval, replay; see `toolgate policy --help`',
        });
    }
  },
};

function needFiles(cmd: string, files: string[]): string[] {
  if (files.length === 0)
    throw new ToolgateError('USAGE', `policy ${cmd}: no policy file given`, {
      hint: `toolgate policy ${cmd} policies/default.yaml`,
    });
  return files.map((f) => path.resolve(f));
}

function floorFor(ctx: CommandContext, files: string[]): FloorContext {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return {
    stateDir: ctx.env['TOOLGATE_STATE_DIR'] ?? `/tmp/toolgate-${uid}`,
    policyFiles: files,
    pluginDir: ctx.env['TOOLGATE_PLUGIN_DIR'] ?? path.resolve('plugin'),
    home: ctx.env['HOME'] ?? '/',
    workspace: ctx.cwd,
  };
}

function printDiagnostics(ctx: CommandContext, r: LoadResult): void {
  for (const d of r.diagnostics) println(ctx.stderr, formatDiagnostic(d));
}

function runCheck(ctx: CommandContext): number {
  const { values, positionals } = parse('policy check', ctx.argv, { json: { type: 'boolean' } });
  const files = needFiles('check', positionals);
  const r = loadPolicy(files);
  const ok = !hasErrors(r.diagnostics);
  if (values.json) {
    println(
      ctx.stdout,
      JSON.stringify({ ok, revision: r.policy?.revision ?? null, diagnostics: r.diagnostics }),
    );
  } else {
    printDiagnostics(ctx, r);
    const warnings = r.diagnostics.filter((d) => d.severity === 'warning').length;
    const rules = r.layers.reduce((n, l) => n + l.rules.length, 0);
    if (ok)
      println(
        ctx.stdout,
        `ok: ${files.length} file(s), ${rules} rule(s), revision ${r.policy?.revision ?? '?'}${warnings ? `, ${warnings} warning(s)` : ''}`,
      );
    else println(ctx.stderr, `${r.diagnostics.length - warnings} error(s), ${warnings} warning(s)`);
  }
  return ok ? 0 : 1;
}

async function runTest(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('policy test', ctx.argv, {
    json: { type: 'boolean' },
    cases: { type: 'string', multiple: true },
  });
  const files = needFiles('test', positionals);
  const r = loadPolicy(files, {
    floor: { ...floorFor(ctx, files), home: TEST_DEFAULTS.home, workspace: TEST_DEFAULTS.cwd },
  });
  const problems = [...r.diagnostics.filter((d) => d.severity === 'error')];
  const results: TestResult[] = [];
  const deps = await loadShellDeps();
  if (r.policy) {
    // Inline tests judge their own file (with the floor); --cases judge all FILEs together as layers.
    for (const l of r.layers) {
      const own =
        files.length === 1
          ? r
          : loadPolicy([l.name], {
              floor: { ...floorFor(ctx, [l.name]), home: TEST_DEFAULTS.home, workspace: TEST_DEFAULTS.cwd },
            });
      if (own.policy) results.push(...runTestCases(own.policy, l.name, l.tests, deps));
    }
    for (const caseFile of values.cases ?? []) {
      const abs = path.resolve(caseFile);
      let text = '';
      try {
        text = readFileSync(abs, 'utf8');
      } catch (e) {
        throw new ToolgateError(
          'NOT_FOUND',
          `policy test: cannot read ${caseFile}: ${(e as Error).message}`,
          { hint: 'check the --cases path' },
        );
      }
      const src = parseSource(abs, text);
      const parsed = src.data === undefined ? undefined : caseFileSchema.safeParse(src.data);
      if (!parsed?.success) {
        problems.push(...src.diagnostics);
        if (parsed && !parsed.success) {
          const { reportZodIssues } = await import('../../policy/zod-issues.js');
          reportZodIssues(parsed.error.issues, src, problems);
        }
        continue;
      }
      results.push(...runTestCases(r.policy, abs, parsed.data.tests, deps));
    }
  }
  const failed = results.filter((t) => !t.pass);
  if (values.json) {
    println(
      ctx.stdout,
      JSON.stringify({
        ok: problems.length === 0 && failed.length === 0,
        passed: results.length - failed.length,
        failed: failed.length,
        shell: deps.source,
        diagnostics: problems,
        results: results.map((t) => ({
          file: t.file,
          name: t.name,
          pass: t.pass,
          expected: t.expected,
          got: t.got,
          trace: t.pass ? undefined : t.decision.trace,
        })),
      }),
    );
  } else {
    for (const d of problems) println(ctx.stderr, formatDiagnostic(d));
    for (const t of failed) {
      println(ctx.stdout, `FAIL ${path.relative(ctx.cwd, t.file)}: ${t.name}`);
      println(
        ctx.stdout,
        `  expected ${t.expected.verdict}${t.expected.rule ? ` by ${t.expected.rule}` : ''}, got ${t.got.verdict} by ${t.got.rule}`,
      );
      for (const m of t.decision.trace)
        println(ctx.stdout, `    ${m.verdict} ${m.rule}: ${m.because.join('; ')}`);
    }
    println(
      ctx.stdout,
      `${failed.length === 0 && problems.length === 0 ? 'PASS' : 'FAIL'}: ${results.length - failed.length}/${results.length} (shell parser: ${deps.source})`,
    );
  }
  return problems.length === 0 && failed.length === 0 ? 0 : 1;
}

function loadOrThrow(
  ctx: CommandContext,
  files: string[],
  noFloor: boolean | undefined,
): NonNullable<LoadResult['policy']> {
  const r = loadPolicy(files, noFloor ? {} : { floor: floorFor(ctx, files) });
  if (!r.policy) {
    printDiagnostics(ctx, r);
    throw new ToolgateError(
      'POLICY_INVALID',
      `the policy has ${r.diagnostics.filter((d) => d.severity === 'error').length} error(s)`,
      {
        hint: 'run `toolgate policy check` on the files and fix what it reports',
      },
    );
  }
  return r.policy;
}

// Accepts a PreToolUse payload or the short form {tool, input, cwd}.
function toPayload(value: unknown, cwd: string): HookPayload {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
  const v = value as Record<string, unknown>;
  const tool = v['tool_name'] ?? v['tool'];
  const input = v['tool_input'] ?? v['input'] ?? {};
  if (typeof tool !== 'string' || tool === '') throw new Error('missing tool_name');
  if (!input || typeof input !== 'object' || Array.isArray(input))
    throw new Error('tool_input must be an object');
  const payload: HookPayload = {
    session_id: typeof v['session_id'] === 'string' ? v['session_id'] : 'cli',
    cwd: typeof v['cwd'] === 'string' ? v['cwd'] : cwd,
    hook_event_name: 'PreToolUse',
    tool_name: tool,
    tool_input: input as Record<string, unknown>,
    tool_use_id: typeof v['tool_use_id'] === 'string' ? v['tool_use_id'] : 'cli',
  };
  if (typeof v['agent_id'] === 'string') payload.agent_id = v['agent_id'];
  if (typeof v['agent_type'] === 'string') payload.agent_type = v['agent_type'];
  return payload;
}

const NO_RATES: RateFacts = { count: () => 0 };

async function runExplain(ctx: CommandContext): Promise<number> {
  const { values } = parse(
    'policy explain',
    ctx.argv,
    {
      policy: { type: 'string', multiple: true },
      call: { type: 'string' },
      json: { type: 'boolean' },
      'no-floor': { type: 'boolean' },
      worker: { type: 'string' },
    },
    false,
  );
  const files = needFiles('explain', values.policy ?? []);
  if (!values.call)
    throw new ToolgateError('USAGE', 'policy explain: --call JSON is required', {
      hint: `--call '{"tool":"Bash","input":{"command":"git push"}}'`,
    });
  let payload: HookPayload;
  try {
    payload = toPayload(JSON.parse(values.call), ctx.cwd);
  } catch (e) {
    throw new ToolgateError('INPUT_INVALID', `policy explain: --call: ${(e as Error).message}`, {
      hint: `e.g. --call '{"tool":"Read","input":{"file_path":"a.ts"}}'`,
    });
  }
  const policy = loadOrThrow(ctx, files, values['no-floor']);
  const deps = await loadShellDeps();
  const call = prepareCall(
    payload,
    { worker: values.worker ?? 'cli', home: ctx.env['HOME'] ?? '/', now: Date.now() },
    deps,
  );
  const d = evaluate(policy, call, NO_RATES);
  if (values.json)
    println(
      ctx.stdout,
      JSON.stringify({ decision: d, call: { tool: call.tool, paths: call.paths, shell: call.shell } }),
    );
  else {
    println(ctx.stdout, explainDecision(d));
    if (call.paths.length)
      println(ctx.stdout, `\npaths: ${call.paths.map((p) => `${p.path} (${p.access})`).join(', ')}`);
    println(ctx.stdout, `shell parser: ${deps.source}`);
  }
  return 0;
}

async function runEval(ctx: CommandContext): Promise<number> {
  const { values } = parse(
    'policy eval',
    ctx.argv,
    {
      policy: { type: 'string', multiple: true },
      input: { type: 'string' },
      'no-floor': { type: 'boolean' },
      worker: { type: 'string' },
    },
    false,
  );
  const files = needFiles('eval', values.policy ?? []);
  const policy = loadOrThrow(ctx, files, values['no-floor']);
  const deps = await loadShellDeps();
  const home = ctx.env['HOME'] ?? '/';
  const source =
    values.input === undefined || values.input === '-'
      ? ctx.stdin
      : (await import('node:fs')).createReadStream(path.resolve(values.input));
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let out: { decision: string; rule: string; reason: string };
    try {
      const call = prepareCall(
        toPayload(JSON.parse(line), ctx.cwd),
        { worker: values.worker ?? 'cli', home, now: Date.now() },
        deps,
      );
      const d = evaluate(policy, call, NO_RATES);
      out = { decision: d.verdict, rule: d.rule, reason: d.reason };
    } catch (e) {
      out = {
        decision: 'deny',
        rule: 'invalid-input',
        reason: `toolgate could not read this call (${(e as Error).message}); it is denied.`,
      };
    }
    println(ctx.stdout, JSON.stringify(out));
  }
  return 0;
}

async function runReplay(ctx: CommandContext): Promise<number> {
  const { values } = parse(
    'policy replay',
    ctx.argv,
    {
      policy: { type: 'string', multiple: true },
      audit: { type: 'string' },
      json: { type: 'boolean' },
      all: { type: 'boolean' },
      'no-floor': { type: 'boolean' },
    },
    false,
  );
  const files = needFiles('replay', values.policy ?? []);
  const policy = loadOrThrow(ctx, files, values['no-floor']);
  const deps = await loadShellDeps();
  const source = values.audit ? path.resolve(ctx.cwd, values.audit) : resolveAuditDir(ctx.env);
  let st: Stats;
  try {
    st = statSync(source);
  } catch (e) {
    throw new ToolgateError('NOT_FOUND', `policy replay: cannot read ${source}: ${(e as Error).message}`, {
      hint: 'pass --audit with a trail directory or file',
    });
  }
  const records: Iterable<ReplayRecord> = st.isDirectory()
    ? (iterateAudit(source) as Iterable<ReplayRecord>)
    : readRecordsFile(source);
  const state = statePaths(stateRoot(ctx.env));
  const cwdOf = (id: string | undefined) => {
    if (!id) return undefined;
    try {
      return loadWorker(state, id)?.cwd;
    } catch {
      return undefined;
    }
  };
  const r = replayDecisions(records, { policy, deps, home: ctx.env['HOME'] ?? '/', cwdOf });
  if (values.json) {
    println(
      ctx.stdout,
      JSON.stringify({
        replayed: r.replayed,
        changed: r.changed,
        ...(values.all ? { unchanged: r.unchanged } : {}),
        skipped: r.skipped,
      }),
    );
    return 0;
  }
  const show = (row: ReplayRow) => {
    const head = `${row.seq !== undefined ? `#${row.seq} ` : ''}${row.ts ?? ''}  ${row.worker ?? '?'}  ${row.tool}  ${row.summary}`;
    println(ctx.stdout, head);
    println(
      ctx.stdout,
      `    ${row.before.verdict} (${row.before.rule}) -> ${row.after.verdict} (${row.after.rule})${row.inexact ? `  [inexact: ${row.inexact.join('; ')}]` : ''}`,
    );
  };
  if (r.changed.length) println(ctx.stdout, 'Changed decisions:');
  r.changed.forEach(show);
  if (values.all && r.unchanged.length) {
    println(ctx.stdout, 'Unchanged:');
    r.unchanged.forEach(show);
  }
  const inexact = [...r.changed, ...r.unchanged].filter((x) => x.inexact).length;
  println(
    ctx.stdout,
    `${r.replayed} decision(s) replayed, ${r.changed.length} would change, ${r.skipped.length} skipped${inexact ? `, ${inexact} inexact (redacted or cut input, or unknown workspace)` : ''}; rate limits not replayed`,
  );
  if (!st.isDirectory())
    println(
      ctx.stderr,
      'note: a single trail file is read without checking its chain; run `toolgate audit verify` on the trail',
    );
  return 0;
}

// Supervised: a worker makes three calls. The supervisor's rules allow the harmless one, deny the destructive
// one outright, and escalate `git push` to a person: this script plays that person with `toolgate pending` and
// `toolgate approve`. At the end it shows which calls ran (post_tool_use events) and what the remote received.
//   npm run build && node examples/supervised.mjs [--deny]
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { runExample, say } from './lib/sandbox.mjs';

const decision = process.argv.includes('--deny') ? 'deny' : 'allow';

const CALLS = [
  {
    text: 'First a harmless look around.',
    command: 'git log --oneline | head -1 > harmless.txt && cat harmless.txt',
  },
  { text: 'Now I will clean up everything.', command: 'rm -rf /' },
  { text: 'Publishing the work.', command: 'git push origin main 2>&1' },
];

// One step per call; the final message reports what the worker saw for each (the model's side of the story).
const seen = [];
const scripts = [
  {
    name: 'supervised',
    steps: CALLS.map((call, i) => (c) => {
      if (i > 0) seen.push(c.lastResults[0]);
      return {
        text: call.text,
        tools: [{ name: 'Bash', input: { command: call.command, description: `call ${i + 1}` } }],
      };
    }),
    final: (c) => {
      seen.push(c.lastResults[0]);
      return CALLS.map((call, i) => `${call.command} -> ${seen[i]?.is_error ? 'refused' : 'ran'}`).join('; ');
    },
  },
];

// Runs git with a fixed identity (the sandbox's HOME has no git config).
function git(args, cwd, env) {
  return execa('git', args, {
    cwd,
    env: {
      ...env,
      GIT_AUTHOR_NAME: 'Example',
      GIT_AUTHOR_EMAIL: 'example@invalid',
      GIT_COMMITTER_NAME: 'Example',
      GIT_COMMITTER_EMAIL: 'example@invalid',
    },
    extendEnv: false,
  });
}

await runExample(scripts, async (sb) => {
  say('1. a project with one unpublished commit and a bare "origin" next to it');
  const remote = path.join(sb.dir, 'origin.git');
  await git(['init', '--quiet', '--bare', '--initial-branch=main', remote], sb.dir, sb.env);
  const ws = sb.workspace('project');
  await git(['init', '--quiet', '--initial-branch=main'], ws, sb.env);
  fs.writeFileSync(path.join(ws, 'README.md'), 'hello\n');
  await git(['add', 'README.md'], ws, sb.env);
  await git(['commit', '--quiet', '-m', 'first commit'], ws, sb.env);
  await git(['remote', 'add', 'origin', remote], ws, sb.env);

  say('2. launching worker "careful"');
  await sb.launch('careful', ws);
  const baseline = (await sb.must(['events', 'careful'])).trim().split('\n').length;

  say('3. sending the task; the worker makes its three calls');
  await sb.must(['send', 'careful', '<<S:supervised>> Look around, clean up, then publish.']);

  say('4. waiting for the call that needs a person');
  const calls = []; // {line, command, tool_use_id} of each call the worker asked for
  let after = baseline;
  for (;;) {
    const ev = JSON.parse(
      await sb.must(['wait', 'careful', 'pre_tool_use', '--after-line', String(after), '--timeout', '60']),
    );
    after = ev.seq; // line K of a worker's events file holds seq K
    calls.push({ line: ev.seq, command: ev.tool_input.command, tool_use_id: ev.tool_use_id });
    say(`   the worker asked to run: ${ev.tool_input.command}`);
    if (/git push/.test(ev.tool_input.command)) break;
  }
  // The supervisor publishes the escalation as it decides the call; give it a moment if it is not there yet.
  let rows = [];
  for (let i = 0; i < 50 && !rows.some((r) => r.escalated); i++) {
    rows = JSON.parse(await sb.must(['pending', '--json']));
    if (!rows.some((r) => r.escalated)) await new Promise((r) => setTimeout(r, 100));
  }
  if (!rows.some((r) => r.escalated)) throw new Error('the git push was not escalated');
  say('   toolgate pending:');
  for (const line of (await sb.must(['pending'])).trimEnd().split('\n')) say(`     ${line}`);

  say(`5. the person decides: ${decision}`);
  const reason = decision === 'allow' ? 'reviewed, ok to publish' : 'not today';
  say(`   ${(await sb.must(['approve', 'careful', decision, '--reason', reason])).trim()}`);

  say('6. waiting for the end of the turn');
  const stop = JSON.parse(
    await sb.must(['wait', 'careful', 'stop', '--after-line', String(baseline), '--timeout', '60']),
  );
  say(`   the worker reported: ${stop.last_assistant_message ?? '(no text)'}`);
  if (decision === 'allow') {
    // PostToolUse is reported asynchronously: wait for the push's own post_tool_use event.
    await sb.must(['wait', 'careful', 'post_tool_use', '--after-line', String(after), '--timeout', '30']);
  }

  say("7. the supervisor's decisions (toolgate audit)");
  for (const line of (await sb.must(['audit', '--worker', 'careful', '--kind', 'decision']))
    .trimEnd()
    .split('\n'))
    say(`     ${line}`);
  say('   which calls ran (a call that ran has a post_tool_use event):');
  const events = (await sb.must(['events', 'careful']))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const ranIds = new Set(events.filter((e) => e.event === 'post_tool_use').map((e) => e.tool_use_id));
  const ran = new Set(calls.filter((c) => ranIds.has(c.tool_use_id)).map((c) => c.command));
  for (const call of CALLS) say(`   ${ran.has(call.command) ? 'RAN    ' : 'BLOCKED'}  ${call.command}`);
  const pushed = await execa('git', ['--git-dir', remote, 'log', '--oneline', 'main'], { reject: false });
  say(`   origin has: ${pushed.exitCode === 0 ? pushed.stdout.trim() : '(nothing: the push did not run)'}`);

  const expectRan = [true, false, decision === 'allow'];
  CALLS.forEach((call, i) => {
    if (ran.has(call.command) !== expectRan[i])
      throw new Error(
        `"${call.command}" ${ran.has(call.command) ? 'ran' : 'did not run'}, which it should not have`,
      );
  });
  if ((pushed.exitCode === 0) !== (decision === 'allow'))
    throw new Error('the remote does not match the decision');
  say(`   ${(await sb.must(['stop', 'careful'])).trim()}`);
});

// Fan-out: several workers at once, each given its own task; wait for all of them and collect the replies.
//   npm run build && node examples/fan-out.mjs [workers=3]
import { runExample, say } from './lib/sandbox.mjs';

const TOPICS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
const count = Math.min(TOPICS.length, Math.max(1, Number(process.argv[2] ?? 3) || 3));

// Each worker runs one shell command about its topic and reports what it printed.
const scripts = [
  {
    name: 'research',
    steps: [
      (c) => {
        const topic = /topic=(\w+)/.exec(c.prompt)?.[1] ?? 'nothing';
        return {
          text: `Looking into ${topic}.`,
          tools: [
            {
              name: 'Bash',
              input: {
                command: `printf '%s has %s letters' ${topic} "$(printf ${topic} | wc -c)"`,
                description: 'research',
              },
            },
          ],
        };
      },
    ],
    final: (c) => `finding: ${c.lastResults[0]?.content.trim() ?? '(no result)'}`,
  },
];

await runExample(scripts, async (sb) => {
  const topics = TOPICS.slice(0, count);
  // One supervisor serves every worker. `toolgate launch` starts it when none runs, but launches racing to start
  // it can fail, so start it once up front.
  say('1. starting the supervisor');
  await sb.must(['supervise', '--daemon']);
  say(`   launching ${count} workers in parallel`);
  const workers = await Promise.all(
    topics.map(async (topic) => {
      const w = await sb.launch(`fan-${topic}`, sb.workspace(`ws-${topic}`));
      say(`   launched ${w.tmux_name} (session ${w.session_id})`);
      return { topic, name: w.tmux_name };
    }),
  );

  say('2. giving each worker its task and waiting for all of them (toolgate converse, in parallel)');
  const replies = await Promise.all(
    workers.map(async (w) => {
      const reply = (
        await sb.must([
          'converse',
          w.name,
          `<<S:research>> Research topic=${w.topic} and report.`,
          '--timeout',
          '120',
        ])
      ).trim();
      say(`   ${w.name} finished`);
      return { ...w, reply };
    }),
  );

  say('3. collected replies:');
  for (const r of replies) say(`   ${r.name}: ${r.reply}`);
  for (const r of replies) {
    if (r.reply !== `finding: ${r.topic} has ${r.topic.length} letters`)
      throw new Error(`unexpected reply from ${r.name}: ${r.reply}`);
  }

  say('4. stopping the workers');
  for (const w of workers) say(`   ${(await sb.must(['stop', w.name])).trim()}`);
});

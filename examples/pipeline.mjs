// Pipeline: worker 1 writes a file, worker 2 reads it and builds on it. The workers share nothing but the disk;
// the controller (this script) runs the stages in order and passes the path along.
//   npm run build && node examples/pipeline.mjs
import fs from 'node:fs';
import path from 'node:path';
import { runExample, say } from './lib/sandbox.mjs';

const scripts = [
  {
    // Stage 1: write a spec to the path named in the prompt (the Write tool).
    name: 'write-spec',
    steps: [
      (c) => ({
        text: 'Writing the spec.',
        tools: [
          {
            name: 'Write',
            input: {
              file_path: /path=(\S+)/.exec(c.prompt)?.[1] ?? '',
              content: 'endpoint: GET /users\npage_size: 25\n',
            },
          },
        ],
      }),
    ],
    final: 'spec written',
  },
  {
    // Stage 2: read the spec with `cat` and report what it will implement.
    name: 'implement',
    steps: [
      (c) => ({
        text: 'Reading the spec.',
        tools: [
          {
            name: 'Bash',
            input: { command: `cat ${/path=(\S+)/.exec(c.prompt)?.[1] ?? ''}`, description: 'read the spec' },
          },
        ],
      }),
    ],
    final: (c) => {
      const spec = c.lastResults[0]?.content ?? '';
      const endpoint = /endpoint: (.+)/.exec(spec)?.[1] ?? '?';
      const size = /page_size: (\d+)/.exec(spec)?.[1] ?? '?';
      return `implemented ${endpoint} with pages of ${size}`;
    },
  },
];

await runExample(scripts, async (sb) => {
  const shared = sb.workspace('project');
  const spec = path.join(shared, 'api-spec.yaml');

  say('1. stage 1: launching worker "spec-writer"');
  await sb.launch('spec-writer', shared);
  const r1 = (
    await sb.must(['converse', 'spec-writer', `<<S:write-spec>> Write the API spec to path=${spec}`])
  ).trim();
  say(`   spec-writer replied: ${r1}`);
  if (!fs.existsSync(spec)) throw new Error(`stage 1 did not write ${spec}`);
  say(`   ${spec} now holds:`);
  for (const line of fs.readFileSync(spec, 'utf8').trimEnd().split('\n')) say(`     | ${line}`);
  say(`   ${(await sb.must(['stop', 'spec-writer'])).trim()}`);

  say('2. stage 2: launching worker "implementer" on the same directory');
  await sb.launch('implementer', shared);
  const r2 = (
    await sb.must(['converse', 'implementer', `<<S:implement>> Implement the API in path=${spec}`])
  ).trim();
  say(`   implementer replied: ${r2}`);
  if (r2 !== 'implemented GET /users with pages of 25')
    throw new Error(`stage 2 did not build on stage 1: ${r2}`);
  say(`   ${(await sb.must(['stop', 'implementer'])).trim()}`);
  say('3. the second stage built on the file the first stage wrote');
});

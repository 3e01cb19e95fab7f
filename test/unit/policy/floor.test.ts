// The self-protection floor: denies what would reach toolgate itself, whatever the policy layers allow.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/policy/evaluate.js';
import { bash, call, noRates, policyWithFloor } from './helpers.js';

const allowAll =
  'version: 1\ndefault: allow\nmode: observe\nrules:\n  - {id: everything, decision: allow, reason: anything goes, tools: ["*"]}\n';
const p = policyWithFloor({}, allowAll);
const verdict = (c: ReturnType<typeof call>) => evaluate(p, c, noRates);

describe('floor', () => {
  it.each([
    ['Write', { file_path: '/run/toolgate/queue/x.tool-pending', content: '' }, 'protect-toolgate-files'],
    [
      'Edit',
      { file_path: '/etc/toolgate/default.yaml', old_string: 'a', new_string: 'b' },
      'protect-toolgate-files',
    ],
    ['Write', { file_path: '/opt/toolgate/plugin/hooks/gate', content: '' }, 'protect-toolgate-files'],
    ['Write', { file_path: '~/.claude/settings.json', content: '{}' }, 'protect-toolgate-files'],
    ['Write', { file_path: '.claude/settings.local.json', content: '{}' }, 'protect-toolgate-files'],
    ['Write', { file_path: '.mcp.json', content: '{}' }, 'protect-toolgate-files'],
    ['Read', { file_path: '/run/toolgate/events/other.jsonl' }, 'protect-state-read'],
    ['Write', { file_path: 'notes.json', content: '{"disableAllHooks": true}' }, 'keep-hooks-on'],
  ])('denies %s %j', (tool, input, rule) => {
    const d = verdict(call(tool, input));
    expect(d.verdict).toBe('deny');
    expect(d.rule).toBe(`floor:${rule}`);
    expect(d.observe).toBe(false);
  });

  it.each([
    ['rm -rf /run/toolgate', 'protect-toolgate-files'],
    ['echo {} > ~/.claude/settings.json', 'protect-toolgate-files'],
    ['mv evil.yaml /etc/toolgate/default.yaml', 'protect-toolgate-files'],
    ['cat /run/toolgate/queue/abc.tool-pending', 'protect-state-read'],
    ['kill 4242', 'protect-supervisor'],
    ['kill -9 -1', 'protect-supervisor'],
    ['pkill -f toolgate', 'protect-supervisor'],
    ['killall node', 'protect-supervisor'],
    ['toolgate approve w2 --allow', 'no-toolgate-control'],
    ['node ./bin/toolgate.js stop w2', 'no-toolgate-control'],
    ['/opt/toolgate/plugin/scripts/gate.sh', 'no-toolgate-control'],
    ['tmux send-keys -t w2 "rm -rf /" Enter', 'no-tmux'],
    ['ls && tmux ls', 'no-tmux'],
    ['CLAUDE_CODE_SIMPLE=1 claude -p hi', 'keep-hooks-on'],
  ])('denies `%s`', (command, rule) => {
    const d = verdict(bash(command));
    expect(d.verdict).toBe('deny');
    expect(d.rule).toBe(`floor:${rule}`);
  });

  it.each([
    'ls -la',
    'cat ~/.claude.json.bak',
    'kill 1234',
    'toolgate policy check p.yaml',
    'cat .claude/README.md',
  ])('lets `%s` through to the policy', (command) => {
    expect(verdict(bash(command)).rule).not.toMatch(/^floor:/);
  });

  it('cannot be lifted by a layer exception or a later allow', () => {
    const q = policyWithFloor(
      {},
      'version: 1\nrules:\n  - {id: tmux-ok, decision: allow, reason: fine, commands: [tmux]}\n',
    );
    expect(evaluate(q, bash('tmux ls'), noRates).verdict).toBe('deny');
  });
});

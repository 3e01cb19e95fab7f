// The plugin's hook configuration: every gate entry fails closed, and the hook's deadline ends before its timeout.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_ESCALATION_SECONDS as MAX_ESCALATION_S, compileText } from '../../src/policy/index.js';

const hooks = JSON.parse(fs.readFileSync(path.resolve('plugin/hooks/hooks.json'), 'utf8')).hooks as Record<
  string,
  {
    matcher?: string;
    hooks: { command: string; args?: string[]; timeout: number; onFailure?: string; async?: boolean }[];
  }[]
>;
const gateScript = fs.readFileSync(path.resolve('plugin/hooks/gate'), 'utf8');

describe('plugin hooks.json', () => {
  it('has one PreToolUse entry, the gate, matching every tool, with onFailure block', () => {
    const pre = hooks.PreToolUse!;
    expect(pre).toHaveLength(1);
    expect(pre[0]!.matcher).toBe('*');
    expect(pre[0]!.hooks).toHaveLength(1);
    expect(pre[0]!.hooks[0]).toMatchObject({
      command: '${CLAUDE_PLUGIN_ROOT}/hooks/gate',
      onFailure: 'block',
    });
  });

  it("gives the gate a timeout longer than the hook's own deadline, which is longer than any escalation", () => {
    const timeout = hooks.PreToolUse![0]!.hooks[0]!.timeout;
    const deadline = Number(/deadline_s=(\d+)/.exec(gateScript)![1]);
    expect(deadline).toBeLessThan(timeout);
    // Policies may ask for escalations of at most MAX_ESCALATION_S; the supervisor also keeps a margin.
    expect(MAX_ESCALATION_S).toBeLessThan(deadline);
  });

  it('rejects at load a policy whose escalation waits longer than the hook allows', () => {
    const r = compileText(
      'p.yaml',
      'version: 1\nrules:\n  - id: push\n    decision: escalate\n    reason: needs a person\n    commands: ["git push"]\n    escalate: { timeout: 2h }\n',
    );
    expect(r.layer).toBeUndefined();
    expect(r.diagnostics.map((d) => d.message).join('\n')).toContain('at most 1800 s');
  });

  it('runs no hook on the per-call path but the gate (post_tool_use comes from the transcript)', () => {
    expect(hooks.PostToolUse).toBeUndefined();
    expect(hooks.PostToolUseFailure).toBeUndefined();
    expect(hooks.Notification![0]!.hooks[0]!.async).toBe(true);
  });

  it('only runs executable hook scripts that exist', () => {
    for (const entries of Object.values(hooks)) {
      for (const h of entries.flatMap((e) => e.hooks)) {
        const file = path.resolve('plugin', h.command.replace('${CLAUDE_PLUGIN_ROOT}/', ''));
        expect(fs.statSync(file).mode & 0o111).not.toBe(0);
      }
    }
  });
});

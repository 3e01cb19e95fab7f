// The self-protection floor: a built-in layer, above every policy, that keeps workers off toolgate itself.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { SimpleCommand } from '../shell/types.js';
import type { CompiledLayer, CompiledRule, Unit } from './model.js';
import { DEFAULT_ESCALATION } from './model.js';
import type { CallInput } from './types.js';

export interface FloorContext {
  stateDir: string;
  policyFiles: string[];
  pluginDir: string;
  home: string;
  /** The worker's workspace (its cwd at launch). */
  workspace: string;
  /** The supervisor's pid, when known. */
  supervisorPid?: number;
}

const TOOLGATE_CONTROL = new Set(['approve', 'send', 'stop', 'supervise', 'lockdown', 'trust']);
const KILLERS = new Set(['kill', 'pkill', 'killall', 'skill', 'pgrep']);
const HOOK_SWITCHES = /disableAllHooks|CLAUDE_CODE_SIMPLE|CLAUDE_CODE_SAFE_MODE|allowManagedHooksOnly/;

// True when p is dir or inside it.
function isUnder(p: string, dir: string): boolean {
  const d = dir.length > 1 && dir.endsWith('/') ? dir.slice(0, -1) : dir;
  return p === d || p.startsWith(d === '/' ? '/' : d + '/');
}

// Builds the floor layer for one worker.
export function buildFloor(ctx: FloorContext): CompiledLayer {
  const policyFiles = ctx.policyFiles.map((f) => path.resolve(f));
  const protectedDirs = (call: CallInput) => [
    [ctx.stateDir, "toolgate's state directory"],
    [ctx.pluginDir, "toolgate's plugin"],
    [path.join(ctx.home, '.claude'), 'Claude Code user settings (~/.claude)'],
    [path.join(call.home, '.claude'), 'Claude Code user settings (~/.claude)'],
    [path.join(ctx.workspace, '.claude'), 'project Claude Code settings (.claude)'],
    [path.join(call.cwd, '.claude'), 'project Claude Code settings (.claude)'],
  ];
  const protectedFiles = (call: CallInput) => [
    ...policyFiles.map((f) => [f, 'a toolgate policy file']),
    [path.join(ctx.workspace, '.mcp.json'), 'the project MCP configuration'],
    [path.join(call.cwd, '.mcp.json'), 'the project MCP configuration'],
  ];
  const rules: CompiledRule[] = [
    rule(
      'protect-toolgate-files',
      'Workers may not change toolgate, its state, its policies, its plugin or Claude Code settings.',
      (call, unit) => {
        for (const p of unit.paths) {
          if (p.access === 'read' || p.access === 'exec') continue;
          for (const [dir, what] of protectedDirs(call))
            if (dir && isUnder(p.path, dir as string)) return `${p.access} of ${p.path} is inside ${what}`;
          for (const [f, what] of protectedFiles(call))
            if (p.path === f) return `${p.access} of ${p.path}, ${what}`;
        }
        return null;
      },
    ),
    rule(
      'protect-state-read',
      "Workers may not read toolgate's state directory (other workers' calls and events).",
      (_call, unit) => {
        const p = unit.paths.find((x) => isUnder(x.path, ctx.stateDir));
        return p ? `${p.path} is inside the state directory` : null;
      },
    ),
    rule('keep-hooks-on', 'Workers may not switch Claude Code hooks off.', (call, unit) => {
      if (unit.command) {
        const c = unit.command;
        const words = [c.text, ...c.assigns, ...c.argv];
        const hit = words.find((w) => HOOK_SWITCHES.test(w));
        if (hit !== undefined) return `command mentions ${HOOK_SWITCHES.exec(hit)?.[0] ?? 'a hook switch'}`;
        if (c.name === 'claude' && c.argv.some((a) => a === '--bare' || a === '--safe-mode'))
          return 'claude started without hooks';
        return null;
      }
      for (const key of ['content', 'new_string', 'new_source', 'edits']) {
        const v = call.input[key];
        const s = typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v);
        const m = HOOK_SWITCHES.exec(s);
        if (m) return `the ${key} writes ${m[0]}`;
      }
      return null;
    }),
    rule('protect-supervisor', 'Workers may not signal or stop the toolgate supervisor.', (_call, unit) => {
      const c = unit.command;
      if (!c || !KILLERS.has(c.name) || c.name === 'pgrep') return null;
      return aimsAtSupervisor(c, ctx.supervisorPid);
    }),
    rule(
      'no-toolgate-control',
      'Workers may not run toolgate control commands or its plugin scripts.',
      (_call, unit) => {
        const c = unit.command;
        if (!c) return null;
        const words = [c.name, ...c.argv];
        for (let i = 0; i < words.length; i++) {
          const w = words[i] as string;
          const base = path.basename(w);
          if ((base === 'toolgate' || base === 'toolgate.js') && TOOLGATE_CONTROL.has(words[i + 1] ?? ''))
            return `runs toolgate ${words[i + 1] ?? ''}`;
          if (ctx.pluginDir && w.startsWith(ctx.pluginDir + '/')) return `runs ${w} from the plugin`;
          if (/(^|\/)plugin\/(scripts|hooks)\/[^/]+$/.test(w)) return `runs ${w}`;
        }
        return null;
      },
    ),
    rule(
      'protect-other-workers',
      "Workers may not change another toolgate worker's workspace.",
      (call, unit) => {
        const own = [ctx.workspace, call.cwd];
        for (const p of unit.paths) {
          if (p.access === 'read' || p.access === 'exec') continue;
          if (own.some((d) => isUnder(p.path, d))) continue;
          const other = (call.otherWorkspaces ?? []).find((w) => isUnder(p.path, w));
          if (other) return `${p.access} of ${p.path} is inside another worker's workspace (${other})`;
        }
        return null;
      },
    ),
    rule(
      'no-tmux',
      'Workers may not run tmux: it can reach other workers and the supervisor.',
      (_call, unit) =>
        unit.command?.name === 'tmux' || unit.command?.name === 'screen' ? `runs ${unit.command.name}` : null,
    ),
  ];
  const hash = createHash('sha256')
    .update(JSON.stringify({ v: 1, ...ctx, policyFiles }))
    .digest('hex');
  return {
    name: 'floor',
    hash,
    isFloor: true,
    default: undefined,
    unknown: undefined,
    observe: false,
    rate: null,
    escalation: undefined,
    rules,
    tests: [],
  };
}

function aimsAtSupervisor(c: SimpleCommand, pid: number | undefined): string | null {
  const operands = c.argv.slice(1);
  for (const a of operands) {
    if (/toolgate|supervis|\bnode\b/.test(a)) return `${c.name} aimed at ${a}`;
    if (
      c.name === 'kill' &&
      (a === '-1' || a === '0' || a === '-0' || (pid !== undefined && (a === String(pid) || a === `-${pid}`)))
    ) {
      return `kill aimed at ${a}`;
    }
  }
  if (c.name !== 'kill' && operands.every((a) => a.startsWith('-'))) return null;
  if (c.name === 'killall' || c.name === 'pkill') {
    // killall/pkill with -u or a broad pattern could hit the supervisor; only plain, specific names pass.
    if (operands.some((a) => a === '-u' || a === '-U' || a === '.' || a === '.*'))
      return `${c.name} with a broad target`;
  }
  return null;
}

function rule(
  id: string,
  reason: string,
  custom: (call: CallInput, unit: Unit) => string | null,
): CompiledRule {
  return {
    id,
    layer: 'floor',
    verdict: 'deny',
    reason,
    tools: null,
    commands: null,
    commandNames: null,
    paths: null,
    when: null,
    custom,
    overrides: [],
    rate: null,
    escalation: DEFAULT_ESCALATION,
  };
}

// The tool names Claude Code sends (claude-code-facts §8), tool-name globs, and "did you mean" suggestions.
import picomatch from 'picomatch';

/** Tools of Claude Code 2.1.197..2.1.330, plus older names still seen (Glob, Grep, LS, MultiEdit, Task, TodoWrite). */
export const KNOWN_TOOLS: readonly string[] = [
  'Agent',
  'Bash',
  'BashOutput',
  'CronCreate',
  'CronDelete',
  'CronList',
  'Edit',
  'EnterWorktree',
  'ExitPlanMode',
  'ExitWorktree',
  'Glob',
  'Grep',
  'KillShell',
  'LS',
  'MultiEdit',
  'NotebookEdit',
  'NotebookRead',
  'Read',
  'ReportFindings',
  'ScheduleWakeup',
  'SendMessage',
  'Skill',
  'Task',
  'TaskCreate',
  'TaskGet',
  'TaskList',
  'TaskOutput',
  'TaskStop',
  'TaskUpdate',
  'TodoWrite',
  'WebFetch',
  'WebSearch',
  'Workflow',
  'Write',
];

/** File tools and the input field that holds their path, with how they touch it. */
export const FILE_TOOLS: Readonly<Record<string, { field: string; access: 'read' | 'write' }>> = {
  Read: { field: 'file_path', access: 'read' },
  NotebookRead: { field: 'notebook_path', access: 'read' },
  Write: { field: 'file_path', access: 'write' },
  Edit: { field: 'file_path', access: 'write' },
  MultiEdit: { field: 'file_path', access: 'write' },
  NotebookEdit: { field: 'notebook_path', access: 'write' },
  Glob: { field: 'path', access: 'read' },
  Grep: { field: 'path', access: 'read' },
  LS: { field: 'path', access: 'read' },
};

export type ToolMatcher = (name: string) => boolean;

const memo = new Map<string, ToolMatcher>();

// Compiles tool names and globs into one matcher (exact names are a set lookup); memoised by pattern list.
export function compileToolMatcher(patterns: readonly string[]): ToolMatcher {
  const key = patterns.join('\u0000');
  let m = memo.get(key);
  if (!m) {
    m = buildToolMatcher(patterns);
    if (memo.size < 5000) memo.set(key, m);
  }
  return m;
}

function buildToolMatcher(patterns: readonly string[]): ToolMatcher {
  const exact = new Set(patterns.filter((p) => !picomatch.scan(p).isGlob));
  const globs = patterns.filter((p) => picomatch.scan(p).isGlob);
  const glob = globs.length ? picomatch(globs, { dot: true, nobrace: false }) : null;
  return (name) => exact.has(name) || (glob !== null && glob(name));
}

// True for an MCP tool name or a glob over them (`mcp__server__tool`, `mcp__github__*`).
export function isMcpPattern(pattern: string): boolean {
  return pattern.startsWith('mcp__') || pattern === '*' || pattern.startsWith('mcp_*');
}

// Suggests the closest known tool name, or undefined when none is close.
export function suggestTool(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = levenshtein(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

// Edit distance between two short strings.
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

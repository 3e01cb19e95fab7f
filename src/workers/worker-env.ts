// The exact environment a worker starts with: an allowlist of the caller's variables (provider, credentials,
// locale, proxy) plus toolgate's own, and none of the Claude variables that would switch hooks off or hijack it.
import fs from 'node:fs';
import path from 'node:path';
import { ToolgateError } from '../core/errors.js';

const PASS_EXACT = new Set([
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'PATH',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_CACHE_HOME',
  'XDG_STATE_HOME',
  'CLAUDE_CONFIG_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSH_AUTH_SOCK',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'CLOUD_ML_REGION',
  'API_TIMEOUT_MS',
  'BASH_DEFAULT_TIMEOUT_MS',
  'BASH_MAX_TIMEOUT_MS',
  'MCP_TIMEOUT',
  'MCP_TOOL_TIMEOUT',
  'DISABLE_AUTOUPDATER',
  'DISABLE_TELEMETRY',
  'DISABLE_ERROR_REPORTING',
  'MAX_THINKING_TOKENS',
]);
const PASS_PREFIX = ['LC_', 'ANTHROPIC_', 'AWS_', 'VERTEX_REGION_', 'CLAUDE_CODE_'];

/** Variables never passed on: Claude's own per-session variables, and the kill switches that turn hooks off. */
export const SCRUBBED = new Set([
  'CLAUDECODE',
  'CLAUDE_CODE_SESSION_ID',
  'CLAUDE_CODE_CHILD_SESSION',
  'CLAUDE_CODE_ENTRYPOINT',
  'CLAUDE_CODE_SSE_PORT',
  'CLAUDE_CODE_SIMPLE',
  'CLAUDE_CODE_SAFE_MODE',
  'CLAUDE_CODE_EXECPATH',
  'CLAUDE_PROJECT_DIR',
  'CLAUDE_PLUGIN_ROOT',
  'CLAUDE_PLUGIN_DATA',
  'CLAUDE_EFFORT',
  'CLAUDE_ENV_FILE',
  'AI_AGENT',
]);

export interface WorkerEnvInput {
  callerEnv: NodeJS.ProcessEnv;
  workerName: string;
  workerId: string;
  stateDir: string;
  term: string;
  isRoot: boolean;
  extra: Record<string, string>;
}

// Builds the worker's environment from the caller's, the allowlist and toolgate's variables.
export function buildWorkerEnv(i: WorkerEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(i.callerEnv)) {
    if (v === undefined || SCRUBBED.has(k)) continue;
    if (PASS_EXACT.has(k) || PASS_PREFIX.some((p) => k.startsWith(p))) env[k] = v;
  }
  for (const [k, v] of Object.entries(i.extra)) {
    if (SCRUBBED.has(k))
      throw new ToolgateError(
        'USAGE',
        `--env ${k} is not allowed: it would change how Claude Code runs its hooks`,
        { hint: 'drop that --env' },
      );
    env[k] = v;
  }
  // The gate's own timing knobs may only shorten its limits (the hook enforces that), so tests can pass them.
  for (const k of ['TOOLGATE_GATE_DEADLINE', 'TOOLGATE_GATE_GRACE']) {
    if (i.callerEnv[k]) env[k] = i.callerEnv[k]!;
  }
  env.TERM = i.term;
  env.TOOLGATE_WORKER = i.workerName;
  env.TOOLGATE_WORKER_ID = i.workerId;
  env.TOOLGATE_STATE_DIR = i.stateDir;
  if (i.isRoot) env.IS_SANDBOX = '1';
  else delete env.IS_SANDBOX;
  return env;
}

// Writes the environment as NUL-separated KEY=VALUE pairs to a private file the worker's launcher reads then deletes.
export function writeEnvFile(file: string, env: Record<string, string>): void {
  const body = Object.entries(env)
    .map(([k, v]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || v.includes('\0')) {
        throw new ToolgateError(
          'USAGE',
          `environment variable ${JSON.stringify(k)} cannot be passed to a worker`,
          { hint: 'names are letters, digits and _' },
        );
      }
      return `${k}=${v}\0`;
    })
    .join('');
  fs.writeFileSync(file, body, { mode: 0o600 });
}

// Parses repeated `--env KEY=VALUE` options.
export function parseEnvPairs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0)
      throw new ToolgateError('USAGE', `--env expects KEY=VALUE, got "${p}"`, {
        hint: 'for example --env FOO=bar',
      });
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

// The settings files a worker reads that can switch its hooks off: the user's (workers run with
// `--setting-sources user`) and the managed settings.
export function hookSettingsFiles(env: NodeJS.ProcessEnv): string[] {
  const configDir = env.CLAUDE_CONFIG_DIR || path.join(env.HOME ?? '', '.claude');
  return [path.join(configDir, 'settings.json'), '/etc/claude-code/managed-settings.json'];
}

// Settings that would switch every hook off (user or managed settings): launch refuses to start a worker then.
export function hooksDisabledBy(env: NodeJS.ProcessEnv): string | undefined {
  for (const file of hookSettingsFiles(env)) {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    if (json && typeof json === 'object' && (json as Record<string, unknown>).disableAllHooks === true)
      return file;
  }
  return undefined;
}

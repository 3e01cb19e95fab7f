// Notifiers: tell people an escalation is waiting, by a command (notify-send, a chat CLI) and/or an HTTP webhook
// with a JSON body. Configured in policy files (`notify:`). They run in the background with a timeout per attempt
// and a bounded number of retries; failures are logged and never change or delay a decision.
import { spawn } from 'node:child_process';
import type { Logger } from 'pino';
import { toMillis, type NotifyDoc } from '../policy/schema.js';
import type { EscalationNotice } from './supervisor.js';

export type NotifierSpec = NotifyDoc[number];

export interface NotifierOptions {
  logger: Logger;
  /** The notifiers for a worker's own policy files (the supervisor's layers are added by the callee). */
  configFor: (workerPolicies: string[]) => NotifierSpec[];
  /** For tests: the pause before retry n (ms); default 500 ms doubling, at most 5 s. */
  backoffMs?: (attempt: number) => number;
  fetchImpl?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;

/** The JSON body a webhook gets (and a command gets on stdin). */
export function notifyBody(e: EscalationNotice): Record<string, unknown> {
  return {
    event: 'escalation',
    to: e.to,
    call: e.call,
    worker: e.worker,
    worker_id: e.worker_id,
    tool: e.tool,
    summary: e.summary,
    input: e.input,
    rule: e.rule,
    reason: e.reason,
    opened_at: e.opened_at,
    deadline: e.deadline,
    ...(e.to === 'human'
      ? { approve: `toolgate approve ${e.call} allow|deny --reason "..."` }
      : { answer_on: `the screen of worker ${e.worker} (its tmux session)` }),
  };
}

// Fills {call} {worker} {tool} {summary} {rule} {reason} {deadline} in one argv word (no shell is involved).
export function fillTemplate(word: string, e: EscalationNotice): string {
  const v: Record<string, string> = {
    call: e.call,
    worker: e.worker,
    tool: e.tool,
    summary: e.summary,
    rule: e.rule,
    reason: e.reason,
    deadline: e.deadline,
  };
  return word.replace(/\{(call|worker|tool|summary|rule|reason|deadline)\}/g, (_m, k: string) => v[k] ?? '');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class Notifier {
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly o: NotifierOptions) {}

  // Starts every notifier for an escalation and returns at once.
  escalation(e: EscalationNotice): void {
    let specs: NotifierSpec[];
    try {
      specs = this.o.configFor(e.policy);
    } catch (err) {
      this.o.logger.error({ err }, 'cannot read notifier configuration');
      return;
    }
    for (const spec of specs) {
      const p = this.run(spec, e)
        .catch((err: unknown) => this.o.logger.error({ err, call: e.call }, 'notifier crashed'))
        .finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    }
  }

  // Waits (at most `ms`) for running notifiers, e.g. before the supervisor exits.
  async drain(ms: number): Promise<void> {
    if (!this.inflight.size) return;
    await Promise.race([Promise.allSettled([...this.inflight]), sleep(ms)]);
  }

  private async run(spec: NotifierSpec, e: EscalationNotice): Promise<void> {
    const timeout = spec.timeout !== undefined ? toMillis(spec.timeout) : DEFAULT_TIMEOUT_MS;
    const retries = spec.retries ?? DEFAULT_RETRIES;
    const what = 'command' in spec ? `command ${spec.command[0]}` : `webhook ${new URL(spec.webhook).origin}`;
    let last = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(this.o.backoffMs?.(attempt) ?? Math.min(5000, 500 * 2 ** (attempt - 1)));
      try {
        if ('command' in spec) await this.runCommand(spec.command, e, timeout);
        else await this.post(spec.webhook, spec.headers ?? {}, e, timeout);
        this.o.logger.info({ call: e.call, notifier: what, attempt: attempt + 1 }, 'escalation notified');
        return;
      } catch (err) {
        last = (err as Error).message;
        this.o.logger.warn(
          { call: e.call, notifier: what, attempt: attempt + 1, error: last },
          'notifier attempt failed',
        );
      }
    }
    this.o.logger.error(
      { call: e.call, notifier: what, attempts: retries + 1, error: last },
      'notifier gave up',
    );
  }

  private runCommand(argv: string[], e: EscalationNotice, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const [file, ...args] = argv.map((w) => fillTemplate(w, e));
      // Its own process group (detached), so a timeout kills whatever the command started too, not just the
      // command (a `sleep` or `curl` it left behind would otherwise run on, re-parented to init).
      const child = spawn(file!, args, {
        stdio: ['pipe', 'ignore', 'pipe'],
        detached: true,
        env: { ...process.env, TOOLGATE_CALL: e.call, TOOLGATE_NOTIFY_WORKER: e.worker },
      });
      let stderr = '';
      const t = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          child.kill('SIGKILL'); // the group is gone already: the command itself at most
        }
        reject(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      child.stderr.on('data', (d: Buffer) => {
        if (stderr.length < 500) stderr += d.toString();
      });
      child.on('error', (err) => {
        clearTimeout(t);
        reject(err);
      });
      child.on('exit', (code, sig) => {
        clearTimeout(t);
        if (code === 0) resolve();
        else
          reject(new Error(`exited with ${code ?? sig}${stderr ? `: ${stderr.trim().slice(0, 200)}` : ''}`));
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(JSON.stringify(notifyBody(e)) + '\n');
    });
  }

  private async post(
    url: string,
    headers: Record<string, string>,
    e: EscalationNotice,
    timeoutMs: number,
  ): Promise<void> {
    const f = this.o.fetchImpl ?? fetch;
    const res = await f(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'toolgate', ...headers },
      body: JSON.stringify(notifyBody(e)),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  }
}

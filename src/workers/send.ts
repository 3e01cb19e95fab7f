// Sends a prompt to a worker: any size, multi-line, confirmed by its user_prompt_submit event (Enter retried).
import { ToolgateError } from '../core/errors.js';
import type { StatePaths } from '../core/state.js';
import { countLines, waitForEvent } from './events.js';
import type { WorkerRecord } from './registry.js';
import { hasSession, paneTail, pasteText, sendKeys, tmuxOn } from './tmux.js';
import { workerStatus } from './status.js';
import { runningSupervisor } from '../gate/lock.js';

export interface SendOptions {
  queue: boolean;
  submitTimeoutMs: number;
  retryMs: number;
}

export interface SendResult {
  /** Events lines before the prompt was sent: the baseline for waiting on this turn. */
  baseline: number;
  queued: boolean;
}

// Refuses what Claude Code would not treat as a prompt to the model.
export function checkPromptText(text: string): void {
  if (text.trim() === '')
    throw new ToolgateError('USAGE', 'the prompt is empty', { hint: 'give the text to send' });
  if (text.trimStart().startsWith('!')) {
    throw new ToolgateError(
      'SEND_REFUSED',
      'the prompt starts with "!", which Claude Code runs as a shell command with no hook (ungated)',
      {
        hint: 'reword the prompt so it does not start with "!"',
      },
    );
  }
}

export async function sendPrompt(
  s: StatePaths,
  rec: WorkerRecord,
  text: string,
  o: SendOptions,
): Promise<SendResult> {
  checkPromptText(text);
  const tmux = tmuxOn(rec.tmux_socket);
  if (!(await hasSession(tmux, rec.tmux_name))) {
    throw new ToolgateError('WORKER_GONE', `worker "${rec.name}" has no tmux session`, {
      hint: 'launch it again, or `toolgate prune`',
    });
  }
  if (!runningSupervisor(s)) {
    throw new ToolgateError(
      'SUPERVISOR',
      `no toolgate supervisor is running for ${s.root}: the worker's events are not recorded and every tool call is denied`,
      {
        hint: 'start one: toolgate supervise --daemon',
      },
    );
  }
  const status = await workerStatus(s, rec);
  if (status === 'terminated')
    throw new ToolgateError('WORKER_GONE', `worker "${rec.name}" has ended its session`, {
      hint: '`toolgate stop` it and launch a new one',
    });
  const busy = status === 'working' || status === 'awaiting-decision';
  if (busy && !o.queue) {
    throw new ToolgateError('WORKER_BUSY', `worker "${rec.name}" is in the middle of a turn (${status})`, {
      hint: 'wait for it (`toolgate wait NAME stop`), or pass --queue to have Claude Code queue the prompt',
    });
  }
  const baseline = countLines(rec.events_file);
  await pasteText(tmux, rec.tmux_name, text);
  await sendKeys(tmux, rec.tmux_name, 'Enter');
  const deadline = Date.now() + o.submitTimeoutMs;
  for (;;) {
    try {
      await waitForEvent(rec.events_file, (e) => e.event === 'user_prompt_submit', {
        afterLine: baseline,
        timeoutMs: Math.max(1, Math.min(o.retryMs, deadline - Date.now())),
      });
      return { baseline, queued: false };
    } catch (e) {
      if (!(e instanceof ToolgateError) || e.code !== 'TIMEOUT') throw e;
    }
    if (Date.now() >= deadline) break;
    await sendKeys(tmux, rec.tmux_name, 'Enter');
  }
  if (busy) return { baseline, queued: true }; // a prompt queued mid-turn fires no user_prompt_submit of its own
  const tail = await paneTail(tmux, rec.tmux_name).catch(() => '');
  throw new ToolgateError(
    'SEND_FAILED',
    `worker "${rec.name}" did not confirm the prompt within ${o.submitTimeoutMs / 1000}s${tail ? `\n--- last lines of its pane ---\n${tail}` : ''}`,
    {
      hint: `look at its screen: \`toolgate handoff ${rec.name}\``,
    },
  );
}

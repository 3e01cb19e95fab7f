// A worker's state from its events: turn boundaries decide; async events that arrive late do not.
import { describe, expect, it } from 'vitest';
import { stateFromEvents } from '../../../src/workers/status.js';
import type { WorkerEvent } from '../../../src/workers/events.js';

const ev = (...names: string[]): WorkerEvent[] =>
  names.map((event, i) => ({ seq: i + 1, ts: '', event }) as WorkerEvent);

describe('stateFromEvents', () => {
  it('is unknown with no events, idle after start and after stop, in a turn after a prompt or a call', () => {
    expect(stateFromEvents([])).toBe('unknown');
    expect(stateFromEvents(ev('session_start'))).toBe('idle');
    expect(stateFromEvents(ev('session_start', 'user_prompt_submit'))).toBe('in-turn');
    expect(stateFromEvents(ev('session_start', 'user_prompt_submit', 'pre_tool_use'))).toBe('in-turn');
    expect(stateFromEvents(ev('session_start', 'user_prompt_submit', 'stop'))).toBe('idle');
    expect(stateFromEvents(ev('session_start', 'user_prompt_submit', 'stop_failure'))).toBe('idle');
    expect(stateFromEvents(ev('session_start', 'session_end'))).toBe('terminated');
  });

  it('stays idle when an async post_tool_use or notification lands after the stop', () => {
    expect(
      stateFromEvents(ev('session_start', 'user_prompt_submit', 'pre_tool_use', 'stop', 'post_tool_use')),
    ).toBe('idle');
    expect(stateFromEvents(ev('session_start', 'user_prompt_submit', 'stop', 'notification'))).toBe('idle');
  });
});

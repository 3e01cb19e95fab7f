// A home directory under /tmp (test rigs, demos, some CI) must not become deletable through the /tmp allowances.
import { beforeAll, describe, expect, it } from 'vitest';
import { judge, loadDefault } from './harness.js';

const ctx = { cwd: '/tmp/sandbox/ws', home: '/tmp/sandbox/home' };

beforeAll(async () => {
  await loadDefault();
});

describe('default policy with HOME under /tmp', () => {
  it.each([
    'rm -rf ~/other-project',
    'rm -rf /tmp/sandbox/home/other-project',
    'echo x > ~/notes.txt',
    'cp build.tar ~/',
    'touch ~/.profile',
  ])('denies %s', (command) => {
    expect(judge('Bash', { command }, ctx).verdict).toBe('deny');
  });

  it('escalates a change deeper in the home directory (a person may approve it)', () => {
    expect(judge('Bash', { command: 'cp a.ts ~/projects/other/' }, ctx).verdict).toBe('escalate');
  });

  it.each(['rm -rf build', 'rm -rf /tmp/scratch-123', 'echo x > /tmp/out.txt'])(
    'still allows %s',
    (command) => {
      expect(judge('Bash', { command }, ctx).verdict).toBe('allow');
    },
  );
});

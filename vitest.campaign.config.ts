// The fault campaign (issue 7 item 2): real supervisors, real gate hooks, mounts and a real worker. Kept out of the
// default suite (vitest.config.ts); run with `npm run test:campaign` after `npm run build`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/campaign/**/*.campaign.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    // One file at a time: the campaign saturates the two cores by itself.
    maxWorkers: 1,
    fileParallelism: false,
  },
});

#!/usr/bin/env node
// toolgate's command entry: loads the built CLI (run `npm run build` after `npm ci`).
import('../dist/cli/run.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write(
      'error[NOT_BUILT] toolgate is not built\nhint: run `npm run build` in the toolgate checkout\n',
    );
    process.exit(1);
  }
  throw err;
});

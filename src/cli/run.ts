// The process entry: runs the command, then exits with its status once stdout has drained.
import { main } from './main.js';

const code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.stdout.write('', () => process.exit(code));

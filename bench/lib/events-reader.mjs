// The baseline for bench/converse-latency.mjs: a trivial reader of a worker's events file that prints the first
// `stop` event after line AFTER, woken by fs.watch on the file's directory (no transcript, no CLI machinery).
// usage: node bench/lib/events-reader.mjs EVENTS_FILE AFTER   (prints "ready", then the stop event's line)
import fs from 'node:fs';
import path from 'node:path';

const [file, afterArg] = process.argv.slice(2);
const after = Number(afterArg);
let offset = 0;
let lineNo = 0;
let rest = '';
function look() {
  let text;
  try {
    const fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(size - offset);
    fs.readSync(fd, buf, 0, buf.length, offset);
    fs.closeSync(fd);
    offset = size;
    text = buf.toString('utf8');
  } catch {
    return;
  }
  const parts = (rest + text).split('\n');
  rest = parts.pop() ?? '';
  for (const l of parts) {
    lineNo++;
    if (lineNo > after && l.includes('"event":"stop"')) {
      process.stdout.write(l + '\n', () => process.exit(0));
      return;
    }
  }
}
fs.watch(path.dirname(file), (_t, name) => {
  if (!name || name === path.basename(file)) look();
});
look();
process.stdout.write('ready\n');

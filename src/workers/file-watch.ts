// Wakes a callback whenever a file changes or appears, by watching its directory (which may not exist yet:
// then the nearest existing ancestor is watched until the directory appears).
import fs from 'node:fs';
import path from 'node:path';

export interface Watch {
  close(): void;
}

// Calls `onChange` on every change to `file`, including its creation.
export function watchFile(file: string, onChange: () => void): Watch {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let inner: fs.FSWatcher | undefined;
  let closed = false;
  const arm = (): void => {
    if (closed) return;
    inner?.close();
    if (fs.existsSync(dir)) {
      inner = fs.watch(dir, { persistent: true }, (_type, name) => {
        if (name === null || name === base) onChange();
      });
      inner.on('error', () => onChange());
      // The directory (and maybe the file) may have appeared before the watch was set: look once more, after the
      // caller's own code has run (a synchronous call here reached callers' variables before they were declared).
      queueMicrotask(() => {
        if (!closed) onChange();
      });
      return;
    }
    let ancestor = path.dirname(dir);
    while (!fs.existsSync(ancestor) && ancestor !== path.dirname(ancestor)) ancestor = path.dirname(ancestor);
    inner = fs.watch(ancestor, { persistent: true }, () => {
      if (fs.existsSync(dir)) arm();
      else if (!fs.existsSync(ancestor)) arm();
    });
    inner.on('error', () => arm());
  };
  arm();
  return {
    close: () => {
      closed = true;
      inner?.close();
    },
  };
}

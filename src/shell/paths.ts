// Resolves a path as written (relative, ~, $HOME, .., //, symlinks that exist) to one absolute path; never throws.
import { lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** Expands `~`, `~/x`, `$HOME`, `${HOME}` at the start of a path. Other `~user` forms are left as written. */
function expandHome(written: string, home: string): string {
  if (written === '~' || written === '$HOME' || written === '${HOME}') return home;
  for (const prefix of ['~/', '$HOME/', '${HOME}/']) {
    if (written.startsWith(prefix)) return home + '/' + written.slice(prefix.length);
  }
  return written;
}

/**
 * The realpath of the longest existing prefix of an absolute normalised path, with the rest appended. A dangling
 * symlink on the way is followed too (writing through it creates its target), up to 40 links as Linux does.
 */
function resolveExisting(abs: string, links = 0): string {
  let head = abs;
  const tail: string[] = [];
  for (let guard = 0; guard < 4096; guard++) {
    let real: string | undefined;
    try {
      // A stat first: a missing path (common: files about to be written) is answered without an exception.
      if (statSync(head, { throwIfNoEntry: false })) real = realpathSync.native(head);
      else if (links < 40 && lstatSync(head, { throwIfNoEntry: false })?.isSymbolicLink()) {
        const target = path.posix.resolve(path.posix.dirname(head), readlinkSync(head));
        return resolveExisting(path.posix.join(target, ...tail.reverse()), links + 1);
      }
    } catch {
      real = undefined;
    }
    if (real !== undefined) return tail.length ? path.posix.join(real, ...tail.reverse()) : real;
    if (head === '/' || head === '') return abs;
    tail.push(path.posix.basename(head));
    head = path.posix.dirname(head);
  }
  return abs;
}

/**
 * Resolves `written` against `cwd` and `home`: absolute, `~`/`$HOME` expanded, `.`/`..`/`//` folded, symlinks that
 * exist on disk resolved (realpath of the longest existing prefix, then the rest). Never throws.
 */
export function resolvePath(written: string, cwd: string, home: string): string {
  try {
    const expanded = expandHome(written, home);
    const abs = path.posix.resolve(path.posix.resolve('/', cwd || '/'), expanded);
    return resolveExisting(abs);
  } catch {
    return path.posix.normalize(written.startsWith('/') ? written : `${cwd}/${written}`);
  }
}

// Expands a shell glob against the disk as bash would when the command runs (no dotfiles unless the pattern's
// segment starts with "."; no globstar), so a rule sees the files `rm -rf /tmp/*` or `cat .env*` would reach.
import { readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';

/** Directory entries looked at per pattern; beyond it the expansion is unknown. */
export const MAX_GLOB_ENTRIES = 20_000;

const GLOB_CHARS = /[*?[]/;

/** True when a path segment holds glob characters. */
export function hasGlob(p: string): boolean {
  return GLOB_CHARS.test(p);
}

/**
 * The paths an absolute glob pattern matches now, sorted: every glob segment matched against the directory's
 * entries, plain segments after it appended whether or not they exist (more paths checked, never fewer). [] when
 * nothing matches (bash then passes the pattern on as written); undefined when there are too many entries to look
 * at. Never throws.
 */
export function expandGlob(pattern: string): string[] | undefined {
  const segments = pattern.split('/').filter((s) => s !== '');
  let dirs = ['/'];
  let seen = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (!hasGlob(seg)) {
      dirs = dirs.map((d) => path.posix.join(d, seg));
      continue;
    }
    const match = picomatch(seg, { dot: seg.startsWith('.'), nonegate: true, noextglob: true });
    const last = i === segments.length - 1;
    const next: string[] = [];
    for (const dir of dirs) {
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue; // not a directory, or unreadable: bash matches nothing there either
      }
      seen += entries.length;
      if (seen > MAX_GLOB_ENTRIES) return undefined;
      for (const e of entries) {
        if (e.name === '.' || e.name === '..' || !match(e.name)) continue;
        // A later segment needs a directory (or a link that may lead to one).
        if (!last && !e.isDirectory() && !e.isSymbolicLink()) continue;
        next.push(path.posix.join(dir, e.name));
      }
    }
    dirs = next;
    if (!dirs.length) return [];
  }
  return dirs.sort();
}

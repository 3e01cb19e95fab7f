// A lexical path resolver (cwd, ~, $HOME, .., //) used when the shell module's resolver is not available.
import path from 'node:path';

// Resolves a written path to an absolute, normalised one without touching the disk (symlinks stay unresolved).
export function resolvePathLexically(written: string, cwd: string, home: string): string {
  let p = written;
  if (p === '~' || p.startsWith('~/')) p = home + p.slice(1);
  else if (p === '$HOME' || p.startsWith('$HOME/')) p = home + p.slice(5);
  else if (p === '${HOME}' || p.startsWith('${HOME}/')) p = home + p.slice(7);
  return path.posix.resolve(cwd, p);
}

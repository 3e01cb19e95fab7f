// Path globs over normalised absolute paths: /abs/**, ~/..., ${cwd}/..., **/name; compiled once per rule.
import picomatch from 'picomatch';

export type PathTest = (path: string, cwd: string, home: string) => boolean;

type Base = 'abs' | 'home' | 'cwd';

// Splits a glob into its base (absolute, home, workspace) and the glob under it, or returns an error message.
export function splitGlob(glob: string): { base: Base; rest: string } | { error: string } {
  if (glob.startsWith('${cwd}') || glob.startsWith('${workspace}')) {
    const rest = glob.slice(glob.indexOf('}') + 1);
    if (rest !== '' && !rest.startsWith('/')) return { error: 'expected "/" after ${cwd}' };
    return { base: 'cwd', rest: rest || '/' };
  }
  if (glob === '~' || glob.startsWith('~/')) return { base: 'home', rest: glob.slice(1) || '/' };
  if (glob.startsWith('/')) return { base: 'abs', rest: glob };
  if (glob.startsWith('**')) return { base: 'abs', rest: '/' + glob };
  return { error: 'a path glob must start with /, ~/, ${cwd}/ or **/' };
}

// Compiles a list of globs into one test; call splitGlob first to report bad globs.
export function compilePathGlobs(globs: readonly string[]): PathTest {
  const by: Record<Base, string[]> = { abs: [], home: [], cwd: [] };
  const base: Record<Base, boolean> = { abs: false, home: false, cwd: false };
  for (const g of globs) {
    const s = splitGlob(g);
    if ('error' in s) continue;
    // Globs match the path below the base, without its leading "/"; "" or "**" also match the base itself.
    const rest = s.rest.replace(/\/{2,}/g, '/').replace(/^\//, '');
    if (rest === '' || rest === '**') base[s.base] = true;
    if (rest !== '') by[s.base].push(rest);
  }
  const make = (b: Base): RelTest | null =>
    by[b].length || base[b] ? { glob: by[b].length ? globTest(by[b]) : () => false, base: base[b] } : null;
  const abs = make('abs');
  const home = make('home');
  const cwd = make('cwd');
  return (path, cwdDir, homeDir) =>
    (abs !== null && under(path, '/', abs)) ||
    (home !== null && under(path, homeDir, home)) ||
    (cwd !== null && under(path, cwdDir, cwd));
}

const GLOB_OPTIONS = { dot: true, nonegate: true };

// Any of the globs matches: the same answer as picomatch(globs, GLOB_OPTIONS)(p), which for these options is "" never,
// the glob's own text always, else the glob's regex; built from the regexes directly so a test allocates nothing, and
// a path without the glob's required literal (see requiredLiteral) skips the regex.
// (On Windows picomatch also rewrites backslashes first, so there it is used as it is.)
export function globTest(globs: string[]): (p: string) => boolean {
  if (process.platform === 'win32') return picomatch(globs, GLOB_OPTIONS);
  const tests = globs.map((glob) => ({
    glob,
    literal: requiredLiteral(glob),
    regex: picomatch.makeRe(glob, GLOB_OPTIONS),
  }));
  return (p) => {
    if (p === '') return false;
    for (const t of tests)
      if (p === t.glob || ((t.literal === '' || p.includes(t.literal)) && t.regex.test(p))) return true;
    return false;
  };
}

// The longest run of letters, digits and "_" that every path the glob matches contains: taken only before the first
// character that opens or closes a group or escapes ([ ] { } ( ) | \), where every such run is plain text (glob
// characters * ? ! + @ and the rest only break runs). "" when there is none.
export function requiredLiteral(glob: string): string {
  let best = '';
  let run = '';
  for (const ch of glob) {
    if ('[]{}()|\\'.includes(ch)) break;
    if (/[A-Za-z0-9_]/.test(ch)) {
      run += ch;
      if (run.length > best.length) best = run;
    } else run = '';
  }
  return best;
}

interface RelTest {
  glob: (p: string) => boolean;
  base: boolean;
}

function under(path: string, baseDir: string, t: RelTest): boolean {
  const b = baseDir.length > 1 && baseDir.endsWith('/') ? baseDir.slice(0, -1) : baseDir;
  if (path === b) return t.base;
  if (b === '/') return path.startsWith('/') && t.glob(path.slice(1));
  // path starts with b + "/" (checked without building that string)
  if (!path.startsWith(b) || path.charCodeAt(b.length) !== 47) return false;
  return t.glob(path.slice(b.length + 1));
}

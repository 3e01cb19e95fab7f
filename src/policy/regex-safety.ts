// Rejects regexes that could backtrack catastrophically (nested or alternated repeats, backreferences, many .*).

export interface RegexCheck {
  ok: boolean;
  /** Offset in the source of the problem. */
  offset: number;
  message: string;
  hint: string;
}

interface Group {
  start: number;
  hasUnbounded: boolean;
  hasAlternation: boolean;
}

const OK: RegexCheck = { ok: true, offset: 0, message: '', hint: '' };

// Scans the regex source once; a static heuristic in the spirit of gemini-cli's isSafeRegExp, a bit stricter.
export function checkRegexSafety(source: string): RegexCheck {
  try {
    new RegExp(source);
  } catch (e) {
    return {
      ok: false,
      offset: 0,
      message: `invalid regex: ${(e as Error).message}`,
      hint: 'fix the regex syntax',
    };
  }
  const stack: Group[] = [{ start: 0, hasUnbounded: false, hasAlternation: false }];
  let dotStars = 0;
  let lastAtom: { kind: 'group'; group: Group } | { kind: 'atom'; dot: boolean } | null = null;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    const top = stack[stack.length - 1] as Group;
    if (c === '\\') {
      const n = source[i + 1] ?? '';
      if (/[1-9]/.test(n) || (n === 'k' && source[i + 2] === '<')) {
        return fail(i, 'backreferences can backtrack exponentially', 'match the repeated text explicitly');
      }
      i++;
      lastAtom = { kind: 'atom', dot: /[SWD]/.test(n) };
      continue;
    }
    if (c === '[') {
      const end = findClassEnd(source, i);
      lastAtom = { kind: 'atom', dot: source[i + 1] === '^' };
      i = end;
      continue;
    }
    if (c === '(') {
      stack.push({ start: i, hasUnbounded: false, hasAlternation: false });
      if (source[i + 1] === '?') i += source[i + 2] === '<' && /[=!]/.test(source[i + 3] ?? '') ? 3 : 2;
      lastAtom = null;
      continue;
    }
    if (c === ')') {
      const g = stack.pop() as Group;
      const parent = stack[stack.length - 1] ?? top;
      if (g.hasUnbounded) parent.hasUnbounded = true;
      lastAtom = { kind: 'group', group: g };
      continue;
    }
    if (c === '|') {
      top.hasAlternation = true;
      lastAtom = null;
      continue;
    }
    const q = readQuantifier(source, i);
    if (q) {
      if (q.unbounded) {
        if (lastAtom?.kind === 'group' && (lastAtom.group.hasUnbounded || lastAtom.group.hasAlternation)) {
          const what = lastAtom.group.hasUnbounded
            ? 'a repeated group that itself repeats'
            : 'a repeated alternation';
          return fail(
            lastAtom.group.start,
            `${what} can backtrack catastrophically`,
            'flatten it, e.g. (a+)+ -> a+, (a|b)* -> [ab]*',
          );
        }
        top.hasUnbounded = true;
        if (lastAtom?.kind === 'atom' && lastAtom.dot) dotStars++;
        if (dotStars >= 3) {
          return fail(
            i,
            'three or more unbounded wildcards backtrack polynomially on long input',
            'anchor the regex or use a prefix pattern',
          );
        }
      }
      i = q.end;
      lastAtom = null;
      continue;
    }
    lastAtom = { kind: 'atom', dot: c === '.' };
  }
  return OK;
}

function fail(offset: number, message: string, hint: string): RegexCheck {
  return { ok: false, offset, message, hint };
}

function findClassEnd(s: string, start: number): number {
  for (let i = start + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ']' && i > start + 1) return i;
  }
  return s.length;
}

// Reads a quantifier at i: * + ? {n} {n,} {n,m}; "unbounded" also covers large counts ({n,m} with m > 16).
function readQuantifier(s: string, i: number): { end: number; unbounded: boolean } | null {
  const c = s[i];
  let end = i;
  let unbounded = false;
  if (c === '*' || c === '+') unbounded = true;
  else if (c === '?') unbounded = false;
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(i));
    if (!m) return null;
    end = i + m[0].length - 1;
    unbounded = m[2] !== undefined && (m[3] === '' || Number(m[3]) > 16);
  } else return null;
  if (s[end + 1] === '?') end++;
  return { end, unbounded };
}

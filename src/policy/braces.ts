// Bash brace expansion of one word ({a,b}, {1..3}, {a..c}, nested), done before globbing as bash does; pure.

/** More alternatives than this and the word is not expanded (the caller treats it as unknown). */
export const MAX_BRACE_ALTERNATIVES = 256;

/**
 * The words bash's brace expansion makes of `word`: `[word]` when it holds no brace expression, undefined when it
 * would make more than MAX_BRACE_ALTERNATIVES. Quoting is already gone from the word, so a quoted `{a,b}` expands
 * too: the caller checks every alternative, which errs on the side of checking more paths, never fewer.
 */
export function expandBraces(word: string): string[] | undefined {
  const out: string[] = [];
  return expandInto(word, out) ? out : undefined;
}

function expandInto(word: string, out: string[]): boolean {
  const found = firstBraceExpression(word);
  if (!found) {
    if (out.length >= MAX_BRACE_ALTERNATIVES) return false;
    out.push(word);
    return true;
  }
  const { start, end, parts } = found;
  if (!parts.length) return false;
  const head = word.slice(0, start);
  const tail = word.slice(end + 1);
  for (const part of parts) if (!expandInto(head + part + tail, out)) return false;
  return true;
}

// The first `{...}` that bash would expand: a comma at its top level, or a sequence `x..y[..step]`.
function firstBraceExpression(word: string): { start: number; end: number; parts: string[] } | undefined {
  for (let start = word.indexOf('{'); start !== -1; start = word.indexOf('{', start + 1)) {
    if (word[start - 1] === '$') continue; // ${VAR} is a parameter, not a brace expression
    let depth = 0;
    const commas: number[] = [];
    let end = -1;
    for (let i = start; i < word.length; i++) {
      const ch = word[i];
      if (ch === '\\') {
        i++;
        continue;
      }
      if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) {
        end = i;
        break;
      } else if (ch === ',' && depth === 1) commas.push(i);
    }
    if (end === -1) return undefined;
    const inner = word.slice(start + 1, end);
    if (commas.length) {
      const parts: string[] = [];
      let from = start + 1;
      for (const c of commas) {
        parts.push(word.slice(from, c));
        from = c + 1;
      }
      parts.push(word.slice(from, end));
      return { start, end, parts };
    }
    const seq = sequence(inner);
    if (seq === null) return { start, end, parts: [] }; // too long: expandInto makes nothing and gives up
    if (seq) return { start, end, parts: seq };
  }
  return undefined;
}

// {1..5}, {05..10..2}, {a..e}: the items; undefined when `inner` is not a sequence, null when it is too long.
function sequence(inner: string): string[] | null | undefined {
  const m = /^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?$/.exec(inner);
  if (!m) return undefined;
  const [, a = '', b = '', stepText] = m;
  const numeric = /\d/.test(a);
  if (numeric !== /\d/.test(b)) return undefined;
  const from = numeric ? Number(a) : a.charCodeAt(0);
  const to = numeric ? Number(b) : b.charCodeAt(0);
  const step = Math.abs(Number(stepText ?? 1)) || 1;
  const count = Math.floor(Math.abs(to - from) / step) + 1;
  if (count > MAX_BRACE_ALTERNATIVES) return null;
  const width = numeric && /^-?0\d/.test(a) ? a.replace('-', '').length : 0;
  const items: string[] = [];
  for (let i = 0, v = from; i < count; i++, v += from <= to ? step : -step) {
    items.push(numeric ? String(v).padStart(width, '0') : String.fromCharCode(v));
  }
  return items;
}

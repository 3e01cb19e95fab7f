// Policy load problems as data: code, place (file:line:col and field path), what was expected, and a hint.

export type Severity = 'error' | 'warning';

/** Stable diagnostic codes; tests and tools key on these, so never rename one. */
export type DiagnosticCode =
  | 'FILE_UNREADABLE'
  | 'YAML_SYNTAX'
  | 'SCHEMA'
  | 'DUPLICATE_ID'
  | 'UNKNOWN_TOOL'
  | 'UNKNOWN_RULE'
  | 'REGEX_INVALID'
  | 'REGEX_UNSAFE'
  | 'GLOB_INVALID'
  | 'CEL_SYNTAX'
  | 'CEL_TYPE'
  | 'CEL_NOT_BOOL'
  | 'CEL_TOO_LARGE'
  | 'DEAD_RULE'
  | 'SHADOWED_RULE'
  | 'OVERRIDE_INVALID'
  | 'TEST_INVALID';

export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  file: string;
  /** 1-based; 0 when the place is unknown (e.g. the file could not be read). */
  line: number;
  col: number;
  /** Field path inside the file, e.g. `rules[3].when`. */
  path: string;
  expected?: string;
  hint?: string;
}

// Formats `file:line:col: CODE message` then `  expected: ...` and `  hint: ...` lines.
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
  const sev = d.severity === 'warning' ? ' (warning)' : '';
  let text = `${where}: ${d.code}${sev} ${d.path ? d.path + ': ' : ''}${d.message}`;
  if (d.expected) text += `\n  expected: ${d.expected}`;
  if (d.hint) text += `\n  hint: ${d.hint}`;
  return text;
}

// Renders a field path array as `rules[3].when`.
export function formatFieldPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

// Sorts diagnostics by file, line and column so the output reads top to bottom.
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

// True when any diagnostic is an error (warnings never stop a policy from loading).
export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

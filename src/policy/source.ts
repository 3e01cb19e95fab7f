// Parses YAML text keeping node positions, so any field path can be turned into a line and column.
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import type { Diagnostic } from './diagnostics.js';

export interface Position {
  line: number;
  col: number;
}

export interface SourceFile {
  file: string;
  text: string;
  /** The plain data (undefined when the YAML did not parse). */
  data: unknown;
  /** Position of the deepest node on the path (the key itself for a missing or unknown key). */
  locate(path: readonly PropertyKey[]): Position;
  /** Position of a character offset inside the scalar at `path` (for CEL and regex errors). */
  locateInScalar(path: readonly PropertyKey[], offset: number): Position;
  diagnostics: Diagnostic[];
}

// Parses one policy or case file; YAML syntax problems become diagnostics, never exceptions.
export function parseSource(file: string, text: string): SourceFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const diagnostics: Diagnostic[] = doc.errors.map((e) => {
    const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
    return {
      severity: 'error',
      code: 'YAML_SYNTAX',
      message: e.message.split('\n')[0] ?? e.message,
      file,
      line: pos.line,
      col: pos.col,
      path: '',
      hint: 'fix the YAML syntax (indentation, quotes, duplicate keys)',
    };
  });
  const at = (offset: number): Position => {
    const p = lc.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const findNode = (path: readonly PropertyKey[]): { node: Node | null; keyNode: Node | null } => {
    let node: Node | null = doc.contents as Node | null;
    let keyNode: Node | null = null;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return { node, keyNode };
        keyNode = pair.key as Node;
        node = (pair.value as Node | null) ?? keyNode;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (!item) return { node, keyNode };
        node = item;
        keyNode = null;
      } else break;
    }
    return { node, keyNode };
  };
  const locate = (path: readonly PropertyKey[]): Position => {
    const { node, keyNode } = findNode(path);
    const target = node ?? keyNode;
    return target?.range ? at(target.range[0]) : { line: 1, col: 1 };
  };
  const locateInScalar = (path: readonly PropertyKey[], offset: number): Position => {
    const { node } = findNode(path);
    if (!node?.range || !isScalar(node)) return locate(path);
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
    const base = at(node.range[0]);
    const src = text.slice(node.range[0], node.range[1]);
    // Plain and quoted one-line scalars map offsets 1:1; block scalars point at their first content line.
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED' || src.includes('\n')) {
      return { line: base.line + 1, col: 1 };
    }
    return { line: base.line, col: base.col + offset + (quoted ? 1 : 0) };
  };
  return {
    file,
    text,
    data: diagnostics.length ? undefined : doc.toJS(),
    locate,
    locateInScalar,
    diagnostics,
  };
}

// The shell parser's entry points: load tree-sitter-bash once, then parse shell text into simple commands (sync).
import { getBashParser, loadBashParser, type SyntaxNode } from './tree.js';
import type { ParsedShell } from './types.js';
import { Walker, type ParseText } from './walk.js';

/** Texts longer than this are not parsed: the engine treats them as unknown. */
export const MAX_TEXT_LENGTH = 256 * 1024;

/** Loads the parser (wasm runtime and bash grammar); call once at startup, before parseShell. */
export function initShellParser(): Promise<void> {
  return loadBashParser();
}

const parseText: ParseText = (text) => {
  const parser = getBashParser();
  if (!parser) return undefined;
  const tree = parser.parse(text);
  if (!tree) return undefined;
  return { root: tree.rootNode, release: () => tree.delete() };
};

/** Parses shell text into every simple command it runs; never throws (a failure sets `error`). */
export function parseShell(text: string): ParsedShell {
  if (!getBashParser())
    return { commands: [], unknowns: [], error: 'shell parser not initialised (call initShellParser first)' };
  if (typeof text !== 'string') return { commands: [], unknowns: [], error: 'command is not a string' };
  if (text.length > MAX_TEXT_LENGTH) {
    return { commands: [], unknowns: [], error: `command longer than ${MAX_TEXT_LENGTH} characters` };
  }
  const walker = new Walker(parseText);
  let parsed: ReturnType<ParseText>;
  try {
    parsed = parseText(text);
    if (!parsed) return { commands: [], unknowns: [], error: 'shell text could not be parsed' };
    walker.walkProgram(parsed.root, 0, []);
    const result: ParsedShell = { commands: walker.commands, unknowns: walker.unknowns };
    if (parsed.root.hasError) result.error = describeSyntaxError(parsed.root);
    return result;
  } catch (e) {
    return {
      commands: walker.commands,
      unknowns: walker.unknowns,
      error: `shell parser failed: ${(e as Error).message}`,
    };
  } finally {
    parsed?.release();
  }
}

function describeSyntaxError(root: SyntaxNode): string {
  const stack = [root];
  while (stack.length) {
    const n = stack.pop() as typeof root;
    if (n.type === 'ERROR' || n.isMissing) {
      const what = n.isMissing ? `missing ${n.type}` : `unexpected ${JSON.stringify(n.text.slice(0, 40))}`;
      return `syntax error at line ${n.startPosition.row + 1}, column ${n.startPosition.column + 1}: ${what}`;
    }
    for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i);
      if (c && c.hasError) stack.push(c);
      else if (c?.isMissing) stack.push(c);
    }
  }
  return 'syntax error';
}

// Loads the tree-sitter runtime and the bash grammar shipped in @vscode/tree-sitter-wasm, once per process.
import { createRequire } from 'node:module';
import type * as TS from '@vscode/tree-sitter-wasm';

export type SyntaxNode = TS.Node;

const require = createRequire(import.meta.url);

let parser: TS.Parser | undefined;
let loading: Promise<void> | undefined;

/** Loads the wasm runtime and grammar; later calls return the same promise. */
export function loadBashParser(): Promise<void> {
  loading ??= (async () => {
    const ts = require('@vscode/tree-sitter-wasm') as typeof TS;
    await ts.Parser.init();
    const language = await ts.Language.load(
      require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter-bash.wasm'),
    );
    const p = new ts.Parser();
    p.setLanguage(language);
    parser = p;
  })();
  return loading;
}

/** Returns the loaded parser, or undefined before `loadBashParser` has finished. */
export function getBashParser(): TS.Parser | undefined {
  return parser;
}

// Loads the tree-sitter runtime and the bash grammar shipped in @vscode/tree-sitter-wasm, once per process.
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import type * as TS from '@vscode/tree-sitter-wasm';

export type SyntaxNode = TS.Node;

const require = createRequire(import.meta.url);

let parser: TS.Parser | undefined;
let loading: Promise<void> | undefined;

/** Loads the wasm runtime and grammar; later calls return the same promise. */
export function loadBashParser(): Promise<void> {
  loading ??= (async () => {
    // The grammar's wasm runs on V8's baseline compiler (Liftoff) only. TurboFan's tier-up of tree-sitter's large
    // lexer and parse functions peaks at ~50 MB of compiler memory on a background thread, which the allocator
    // keeps as resident memory: the supervisor peaked at ~200 MiB with 50 workers, ~142 MiB without it. The cost
    // is ~4 µs more CPU per parse (~30 µs), well under 1% of a decision (bench/RESULTS.md, supervisor under load).
    // The flag must be set before the module is compiled; tree-sitter is the only WebAssembly toolgate loads.
    v8.setFlagsFromString('--liftoff-only');
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

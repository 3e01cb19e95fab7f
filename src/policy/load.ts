// Loads policy files from disk into a compiled policy; returns diagnostics and never throws on bad input.
import { readFileSync } from 'node:fs';
import { assemblePolicy } from './assemble.js';
import { compileLayer } from './compile-layer.js';
import type { Diagnostic } from './diagnostics.js';
import { hasErrors, sortDiagnostics } from './diagnostics.js';
import { buildFloor, type FloorContext } from './floor.js';
import type { CompiledLayer, CompiledPolicy } from './model.js';
import { parseSource } from './source.js';

export interface LoadOptions {
  floor?: FloorContext;
  /** Run the whole policy in observe mode (a worker launched with observe). */
  observe?: boolean;
  /** Read a file (tests inject one); defaults to readFileSync. */
  readFile?: (file: string) => string;
}

export interface LoadResult {
  policy?: CompiledPolicy;
  diagnostics: Diagnostic[];
  /** Compiled layers by file, also when another file failed (for `policy check`). */
  layers: CompiledLayer[];
}

// Compiles text of one file (exported for tests and tools that hold the text already).
export function compileText(
  file: string,
  text: string,
): { layer?: CompiledLayer; diagnostics: Diagnostic[] } {
  const r = compileLayer(parseSource(file, text));
  return { ...r, diagnostics: sortDiagnostics(r.diagnostics) };
}

// Loads every file, collects every problem, and builds the policy only if there is no error.
export function loadPolicy(files: string[], opts: LoadOptions = {}): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const layers: CompiledLayer[] = [];
  const read = opts.readFile ?? ((f: string) => readFileSync(f, 'utf8'));
  for (const file of files) {
    let text: string;
    try {
      text = read(file);
    } catch (e) {
      diagnostics.push({
        severity: 'error',
        code: 'FILE_UNREADABLE',
        message: (e as Error).message,
        file,
        line: 0,
        col: 0,
        path: '',
        hint: 'check the path and its permissions',
      });
      continue;
    }
    try {
      const r = compileText(file, text);
      diagnostics.push(...r.diagnostics);
      if (r.layer) layers.push(r.layer);
    } catch (e) {
      // A bug in the compiler must not throw out of the loader: report it, keep the last good policy in force.
      diagnostics.push({
        severity: 'error',
        code: 'SCHEMA',
        message: `internal error while compiling: ${(e as Error).message}`,
        file,
        line: 0,
        col: 0,
        path: '',
        hint: 'please report this; the previous policy stays in force',
      });
    }
  }
  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(sorted) || layers.length !== files.length) return { diagnostics: sorted, layers };
  const all = opts.floor ? [buildFloor(opts.floor), ...layers] : layers;
  return { policy: assemblePolicy(all, { observe: opts.observe }), diagnostics: sorted, layers };
}

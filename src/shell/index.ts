// The shell module's public API: initialise once, parse shell text, resolve paths.
export { initShellParser, parseShell, MAX_TEXT_LENGTH } from './parse.js';
export { resolvePath } from './paths.js';
export { expandGlob } from './globs.js';
export { normalizeCommandName } from './names.js';
export type { ParsedShell, SimpleCommand, Redirect, PathRef, PathAccess, Unknown } from './types.js';

// Where toolgate's own files live, relative to this module (works from src/ under vitest and from dist/).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PLUGIN_DIR = path.join(PACKAGE_ROOT, 'plugin');
export const TOOLGATE_BIN = path.join(PACKAGE_ROOT, 'bin/toolgate.js');
/** The policy a supervisor applies when it is given none. */
export const DEFAULT_POLICY = path.join(PACKAGE_ROOT, 'policies/default.yaml');

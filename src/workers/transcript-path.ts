// Computes where Claude Code keeps a session's transcript. A fallback only: hooks report the real transcript_path.
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Longest project directory name Claude Code writes before it cuts the name and appends a hash.
 *
 * What is verified and what is not (claude-code-facts section 6, upstream-inventory section 6.4):
 * - [V] `<configDir>/projects/<encoded cwd>/<session id>.jsonl` with "/" as "-" for ordinary paths (2.1.197).
 * - [C] Read in the JS embedded in the 2.1.197 and 2.1.330 binaries, not run: every character outside
 *   [a-zA-Z0-9] (per UTF-16 code unit) becomes "-"; a result over 200 characters is cut to 200 and gets
 *   "-" plus the base-36 absolute value of a 32-bit `(h << 5) - h + charCode` hash of the original cwd.
 * - [C] 2.1.330 matches long names by their 200-character prefix when reading, which suggests the hash is
 *   not stable across runtimes; so for long names we also look for any directory with that prefix.
 * - [C] 2.1.330 uses `CLAUDE_CODE_PROJECT_DIR_NAME` instead of the encoding when `CLAUDE_CONFIG_DIR` is set
 *   and that name is a plain word; this function does not model that override.
 * - Not verified: whether Claude Code encodes the cwd as given or its resolved real path; both are tried.
 */
const MAX_DIR_NAME = 200;

// Encodes a cwd into Claude Code's project directory name (see MAX_DIR_NAME for what is verified).
export function encodeProjectDirName(cwd: string): string {
  const encoded = cwd.replace(/[^a-zA-Z0-9]/g, '-');
  if (encoded.length <= MAX_DIR_NAME) return encoded;
  return `${encoded.slice(0, MAX_DIR_NAME)}-${hashCwd(cwd)}`;
}

// Hashes like Claude Code's project-name hash: 32-bit `h * 31 + code unit`, absolute value, base 36.
function hashCwd(cwd: string): string {
  let hash = 0;
  for (let i = 0; i < cwd.length; i++) hash = ((hash << 5) - hash + cwd.charCodeAt(i)) | 0;
  return Math.abs(hash).toString(36);
}

// Returns the transcript path for a session: the first candidate that exists, else the computed one for `cwd`.
export function transcriptPathFor(cwd: string, sessionId: string, configDir: string): string {
  const projects = join(configDir, 'projects');
  const file = `${sessionId}.jsonl`;
  const computed = join(projects, encodeProjectDirName(cwd), file);
  for (const dir of listCandidateCwds(cwd)) {
    const found = findTranscriptIn(projects, encodeProjectDirName(dir), file);
    if (found !== undefined) return found;
  }
  return computed;
}

// Lists the cwd and, when it differs and exists, its real path (symlinks resolved).
function listCandidateCwds(cwd: string): string[] {
  try {
    const real = realpathSync(cwd);
    return real === cwd ? [cwd] : [cwd, real];
  } catch {
    return [cwd];
  }
}

// Finds the file under the named project directory, or under any directory sharing a long name's prefix.
function findTranscriptIn(projects: string, name: string, file: string): string | undefined {
  const exact = join(projects, name, file);
  if (existsSync(exact)) return exact;
  if (name.length <= MAX_DIR_NAME) return undefined;
  const prefix = name.slice(0, MAX_DIR_NAME + 1);
  return listDirNames(projects)
    .filter((dir) => dir.startsWith(prefix))
    .map((dir) => join(projects, dir, file))
    .find((path) => existsSync(path));
}

// Lists the entries of a directory, or none when it cannot be read.
function listDirNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

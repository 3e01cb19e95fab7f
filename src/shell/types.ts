// What the shell parser gives the policy engine: every simple command of a shell text, judged on its own.

/** A redirection of a simple command, e.g. `> out.txt` (op ">", fd 1, target "out.txt"). */
export interface Redirect {
  /** The operator as written: > >> < <> >| &> &>> >& <& <<< << <<- */
  op: string;
  /** The file descriptor redirected (1 for `>`, 0 for `<`, 2 for `2>`). */
  fd: number;
  /** The target word after quote removal (a path, an fd number for >&, or here-string text). */
  target: string;
  /** True when the target holds an expansion that cannot be known statically ($VAR, $(...), globs). */
  dynamic: boolean;
}

/** How a path operand is used by its command, as far as the parser knows. */
export type PathAccess = 'read' | 'write' | 'delete' | 'exec' | 'unknown';

/** A file a command touches: an operand or a redirection target, as written (resolved later). */
export interface PathRef {
  path: string;
  access: PathAccess;
  source: 'operand' | 'redirect';
  /** True when the path holds an expansion or glob that cannot be known statically (`$X/a`, `*.log`). */
  dynamic?: boolean;
}

/** One simple command, after looking through wrappers (sudo, env, nice, timeout, xargs, find -exec, ...). */
export interface SimpleCommand {
  /** Resolved command name: basename, versions stripped (`/usr/bin/python3.11` -> `python3`), `\rm` -> `rm`. */
  name: string;
  /** Words after quote removal; argv[0] is the command word as written. */
  argv: string[];
  /** Leading assignments, e.g. ["FOO=1"]. */
  assigns: string[];
  redirects: Redirect[];
  /** Files this command touches (operands and redirection targets), unresolved. */
  paths: PathRef[];
  /** Wrappers looked through, outermost first, e.g. ["sudo", "env"], plus "bash -c"/"eval" for nested parses. */
  via: string[];
  /** Nesting depth: 0 at top level, +1 per `bash -c`/`eval`/substitution. */
  depth: number;
  /** Which pipeline this command belongs to (same number = same pipeline) and its position in it (0 = first). */
  pipeline: number;
  position: number;
  /** Some word of the command could not be known statically (command name from a variable, $(...) in argv, ...). */
  dynamic: boolean;
  /**
   * Set when a `cd` (or pushd) before this command may have moved the shell: every directory it may run in, each as
   * the chain of `cd` targets (as written) applied in order from the session cwd; [] is the session cwd itself.
   */
  cwd?: string[][];
  /** A `cd` before this command went somewhere that cannot be known statically (`cd $X`, `cd -`, popd, ...). */
  cwdUnknown?: true;
  /** The command's own source text. */
  text: string;
}

/** Something the parser could not see through; the engine escalates or denies, never allows, on these. */
export interface Unknown {
  reason: string;
  text: string;
}

export interface ParsedShell {
  commands: SimpleCommand[];
  unknowns: Unknown[];
  /** Set when the text does not parse as shell: the engine treats the whole call as unknown. */
  error?: string;
}

// Picks the shell parser and path resolver: src/shell when it is there and works, else the conservative fallbacks.
import { parseShellFallback } from './fallback-shell.js';
import type { PrepareDeps } from './prepare.js';
import { resolvePathLexically } from './resolve-path.js';

export interface ShellDeps extends PrepareDeps {
  /** "src/shell" or "fallback", for --help and reports. */
  source: string;
}

let cached: Promise<ShellDeps> | undefined;

// Loads (once) the shell module's parser, awaiting its initialisation; never rejects.
export function loadShellDeps(): Promise<ShellDeps> {
  cached ??= (async (): Promise<ShellDeps> => {
    const fallback: ShellDeps = {
      parseShell: parseShellFallback,
      resolvePath: resolvePathLexically,
      source: 'fallback',
    };
    try {
      const parseSpec = '../shell/parse.js';
      const mod = (await import(parseSpec)) as {
        initShellParser?: () => Promise<void>;
        parseShell?: PrepareDeps['parseShell'];
      };
      if (typeof mod.parseShell !== 'function') return fallback;
      if (typeof mod.initShellParser === 'function') await mod.initShellParser();
      const probe = mod.parseShell('echo ok');
      if (!probe || !Array.isArray(probe.commands)) return fallback;
      let resolvePath = resolvePathLexically;
      let expandGlob: PrepareDeps['expandGlob'];
      try {
        const pathsSpec = '../shell/paths.js';
        const paths = (await import(pathsSpec)) as { resolvePath?: PrepareDeps['resolvePath'] };
        if (typeof paths.resolvePath === 'function') resolvePath = paths.resolvePath;
        const globsSpec = '../shell/globs.js';
        const globs = (await import(globsSpec)) as { expandGlob?: PrepareDeps['expandGlob'] };
        if (typeof globs.expandGlob === 'function') expandGlob = globs.expandGlob;
      } catch {
        // keep the lexical resolver (and globs as patterns)
      }
      return { parseShell: mod.parseShell, resolvePath, expandGlob, source: 'src/shell' };
    } catch {
      return fallback;
    }
  })();
  return cached;
}

// Normalises a command word to the command it names: basename, versions stripped (`/usr/bin/python3.11` -> `python3`).

/** The command a word names: `/usr/bin/rm` -> `rm`, `python3.11` -> `python3`, `gcc-12` -> `gcc`. */
export function normalizeCommandName(word: string): string {
  let name = word;
  const slash = name.lastIndexOf('/');
  if (slash >= 0 && slash < name.length - 1) name = name.slice(slash + 1);
  // python3.11 -> python3, pip3.12 -> pip3, ruby3.2 -> ruby3 (dot followed by digits only).
  const dotted = /^([A-Za-z][A-Za-z_+-]*\d*)(?:\.\d+)+$/.exec(name);
  if (dotted?.[1]) return dotted[1];
  // gcc-12, clang-17, python-3.11
  const dashed = /^([A-Za-z][A-Za-z0-9_+]*?)-\d+(?:\.\d+)*$/.exec(name);
  if (dashed?.[1]) return dashed[1];
  return name;
}

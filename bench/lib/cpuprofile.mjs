// Sums a V8 .cpuprofile (node --cpu-prof) by where the time was spent: each sample goes to the nearest frame, from
// the leaf up, that belongs to a package (node_modules/<name>) or to toolgate's dist/<dir>/<file>; node's own
// internals count for the code that called them. GC, idle and "(program)" stay as they are.
import fs from 'node:fs';

export function attribute(file) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n) => {
    const { url, functionName } = n.callFrame;
    if (!url)
      return ['(garbage collector)', '(idle)', '(program)', '(root)'].includes(functionName)
        ? functionName
        : undefined;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (pkg) return pkg[1];
    const d = /\/dist\/(.+)\.js$/.exec(url);
    if (d) return `dist/${d[1]}`;
    if (/\/bench\//.test(url)) return 'bench wrapper';
    return undefined;
  };
  const cache = new Map();
  const where = (id) => {
    if (cache.has(id)) return cache.get(id);
    let cur = id;
    let l;
    while (cur !== undefined && !(l = label(byId.get(cur)))) cur = parent.get(cur);
    l = l ?? 'node internals (no caller found)';
    cache.set(id, l);
    return l;
  };
  const totals = new Map();
  const dts = prof.timeDeltas;
  for (let i = 0; i < prof.samples.length; i++) {
    const ms = (dts[i + 1] ?? dts[i] ?? 0) / 1000;
    const k = where(prof.samples[i]);
    totals.set(k, (totals.get(k) ?? 0) + ms);
  }
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  const busy = all - (totals.get('(idle)') ?? 0);
  return {
    busyMs: busy,
    rows: [...totals.entries()]
      .filter(([k]) => k !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .map(([k, ms]) => ({ where: k, ms, share: ms / busy })),
  };
}

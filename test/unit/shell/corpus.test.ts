import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseShell } from './helpers.js';

const DIR = '/work/shared/corpora';

function bashRows(): string[] {
  let files: string[] = [];
  try {
    files = readdirSync(DIR).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const f of files) {
    for (const line of readFileSync(path.join(DIR, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as { tool_name: string; tool_input: { command?: unknown } };
      if (row.tool_name === 'Bash' && typeof row.tool_input.command === 'string')
        out.push(row.tool_input.command);
    }
  }
  return out;
}

const rows = bashRows();

describe.skipIf(rows.length === 0)('shared corpora', () => {
  it('parses every Bash row without throwing and returns a result for each', () => {
    let returned = 0;
    let withCommands = 0;
    for (const cmd of rows) {
      const p = parseShell(cmd);
      expect(Array.isArray(p.commands)).toBe(true);
      expect(Array.isArray(p.unknowns)).toBe(true);
      returned++;
      if (p.commands.length > 0 || p.unknowns.length > 0 || p.error) withCommands++;
    }
    expect(returned).toBe(rows.length);
    // Every non-empty command yields a command, an unknown or an error: nothing parses to silence.
    expect(withCommands).toBe(
      rows.filter((r) => r.trim() !== '' && !/^\s*#/.test(r) && !/^\s*[A-Za-z_]\w*=\S*\s*$/.test(r)).length,
    );
  });
});

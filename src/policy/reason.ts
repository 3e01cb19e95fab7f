// Writes the text the model reads: what was refused, why (the rule's reason), and to stop rather than work around it.
import type { CallInput, Verdict } from './types.js';

export const MAX_REASON = 1500;

// Describes the call in a few words: the command for Bash, the path for file tools, the URL for WebFetch, the query
// for WebSearch, the skill or prompt for other tools, else the tool name.
export function describeCall(call: CallInput): string {
  const cmd = call.input['command'];
  if (call.tool === 'Bash' && typeof cmd === 'string')
    return `Bash command \`${clip(cmd.replace(/\s+/g, ' ').trim(), 200)}\``;
  const first = call.paths.find((p) => p.source === 'input');
  if (first) return `${call.tool} on ${clip(first.path, 200)}`;
  for (const key of ['url', 'query', 'skill', 'pattern', 'prompt']) {
    const v = call.input[key];
    if (typeof v === 'string' && v.trim() !== '')
      return `${call.tool} call (${key} \`${clip(v.replace(/\s+/g, ' ').trim(), 200)}\`)`;
  }
  return `${call.tool} call`;
}

// The decision text; for deny it speaks to the model, for escalate and allow it is a short note.
export function writeReason(verdict: Verdict, call: CallInput, rule: string, why: string): string {
  const what = describeCall(call);
  let text: string;
  if (verdict === 'deny') {
    text =
      `toolgate denied this ${what} (rule ${rule}). Why: ${clip(why, 900)} ` +
      'Do not try to get around this refusal with another tool, another path or a reworded command. ' +
      'Stop this line of work and report that the action was refused, or take a different approach that the reason allows.';
  } else if (verdict === 'escalate') {
    text = `toolgate asks a person to approve this ${what} (rule ${rule}): ${clip(why, 900)}`;
  } else {
    text = `allowed by ${rule}: ${clip(why, 900)}`;
  }
  return clip(text, MAX_REASON);
}

// Cuts `s` to at most `n` characters at a space when one is near: a word cut in two (a token, a key) could keep part
// of a secret in a form no redactor recognises afterwards.
function clip(s: string, n: number): string {
  if (s.length <= n) return s;
  const cut = s.slice(0, n - 3);
  const space = cut.lastIndexOf(' ');
  return (space >= n / 2 ? cut.slice(0, space) : cut) + '...';
}

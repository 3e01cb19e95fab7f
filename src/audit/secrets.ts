// Secret-looking text: key names that hold secrets, and value patterns (keys, tokens, JWTs, PEM, URL credentials).

/** Words that make a key name a secret when they are one of its parts (`db_password`, `apiKey`, `X-Auth-Token`). */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'authorization',
  'auth',
  'credential',
  'credentials',
  'cookie',
  'privatekey',
  'accesskey',
  'secretkey',
  'sessionkey',
  'clientsecret',
]);

// Splits a key into lowercase parts on `_`, `-`, `.`, spaces and camelCase, also joining neighbours (api + key).
function keyParts(key: string): string[] {
  const parts = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const joined = parts.slice(1).map((p, i) => (parts[i] as string) + p);
  return [...parts, ...joined];
}

// Whether an object key or variable name names a secret.
export function isSecretKey(key: string): boolean {
  return keyParts(key).some((p) => SECRET_WORDS.has(p));
}

export const REDACTED = '[REDACTED]';

/** A cheap pre-filter for assignment keys; isSecretKey decides. */
const KEY_HINT =
  'pass|secret|token|api[_-]?key|auth|credential|cookie|private[_-]?key|access[_-]?key|session[_-]?key';

/** A value pattern and how to rewrite a match. */
interface ValueRule {
  name: string;
  re: RegExp;
  replace: (m: string, ...groups: string[]) => string;
}

const tag = (name: string) => () => `[REDACTED:${name}]`;

/** Patterns that find secrets anywhere in a string. */
export const VALUE_RULES: ValueRule[] = [
  {
    name: 'private-key',
    re: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY\2-----|$)/g,
    replace: (_m, kind = '', block = '') =>
      `-----BEGIN ${kind}PRIVATE KEY${block}-----${REDACTED}-----END ${kind}PRIVATE KEY${block}-----`,
  },
  {
    // Header lines and curl -H arguments: `Authorization: ...`, `X-Api-Key: ...`, `Cookie: ...`.
    name: 'header',
    re: /\b(authorization|proxy-authorization|x-api-key|api-key|x-auth-token|cookie|set-cookie)(\s*:\s*)([^'"\n]+)/gi,
    replace: (m, name = '', sep = '', value = '') =>
      value.startsWith('[REDACTED') ? m : `${name}${sep}${REDACTED}`,
  },
  { name: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, replace: tag('jwt') },
  { name: 'api-key', re: /\bsk-(?:[A-Za-z0-9]+-)*[A-Za-z0-9_-]{16,}/g, replace: tag('api-key') },
  {
    name: 'github-token',
    re: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
    replace: tag('github-token'),
  },
  { name: 'aws-key', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, replace: tag('aws-key') },
  { name: 'slack-token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replace: tag('slack-token') },
  { name: 'google-key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: tag('google-key') },
  {
    name: 'bearer',
    re: /\b(Bearer)(\s+)[A-Za-z0-9._~+/=-]{8,}|\b(Basic)(\s+)(?=[A-Za-z0-9+/]*[0-9=])[A-Za-z0-9+/]{8,}={0,2}/g,
    replace: (_m, b1, s1, b2, s2) => `${b1 ?? b2 ?? ''}${s1 ?? s2 ?? ''}${REDACTED}`,
  },
  {
    name: 'url-credentials',
    re: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]*):([^\s@/]+)@/gi,
    replace: (_m, scheme = '', user = '') => `${scheme}${user}:${REDACTED}@`,
  },
  {
    // `API_KEY=...`, `"password": "..."`, `token: ...`, `--password=...`: the name decides, the value goes.
    name: 'assignment',
    re: new RegExp(
      `(["']?)([A-Za-z0-9_.-]*(?:${KEY_HINT})[A-Za-z0-9_.-]*)\\1(\\s*[:=]\\s*)("[^"\\n]*"|'[^'\\n]*'|[^\\s"'\`,;&|)}]+)`,
      'gi',
    ),
    replace: (m, q = '', key = '', sep = '', value = '') => {
      if (!isSecretKey(key) || value.startsWith('[REDACTED')) return m;
      const quote = value.startsWith('"') || value.startsWith("'") ? value[0] : '';
      return `${q}${key}${q}${sep}${quote}${REDACTED}${quote}`;
    },
  },
];

/** Shell-only patterns (Bash command strings): flags that take a secret. */
export const SHELL_RULES: ValueRule[] = [
  {
    name: 'secret-flag',
    re: /(\s--?(?:password|passwd|pass|token|secret|api-key|apikey|access-token|auth-token|client-secret)(?:\s+|=))("[^"]*"|'[^']*'|[^\s`]+)/gi,
    replace: (m, flag = '', value = '') => (value.includes('[REDACTED') ? m : `${flag}${REDACTED}`),
  },
  {
    name: 'user-password',
    re: /(\s(?:-u|--user)\s+)([^\s:'"]+):(\S+)/g,
    replace: (_m, flag = '', user = '') => `${flag}${user}:${REDACTED}`,
  },
  {
    name: 'mysql-password',
    re: /(\bmysql\S*\s(?:.*\s)?-p)(\S+)/g,
    replace: (_m, flag = '') => `${flag}${REDACTED}`,
  },
];

/**
 * A cheap first look: every rule above needs one of these substrings to match, so text without any is left alone
 * without running each rule (most strings of an audit record: ids, names, plain reasons). Keep it in step with the
 * rules.
 */
const MAYBE_SECRET =
  /PRIVATE KEY|eyJ|sk-|gh[pousr]_|github_pat_|AKIA|ASIA|xox[abposr]-|AIza|Bearer|Basic|:\/\/|pass|secret|token|api[_-]?key|auth|credential|cookie|private[_-]?key|access[_-]?key|session[_-]?key|-u\s|--user|mysql/i;

// Rewrites every secret in `text`; returns the text and the names of the rules that fired.
export function redactText(text: string, shell = false): { text: string; hits: string[] } {
  if (!MAYBE_SECRET.test(text)) return { text, hits: [] };
  const hits: string[] = [];
  let out = text;
  for (const rule of shell ? [...VALUE_RULES, ...SHELL_RULES] : VALUE_RULES) {
    rule.re.lastIndex = 0;
    if (!rule.re.test(out)) continue;
    rule.re.lastIndex = 0;
    const before = out;
    out = out.replace(rule.re, rule.replace as (m: string, ...g: string[]) => string);
    if (out !== before) hits.push(rule.name);
  }
  return { text: out, hits };
}

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { readAudit } from '../../../src/audit/read.js';
import { redactInput, redactRecord } from '../../../src/audit/redact.js';
import { openAuditLog } from '../../../src/audit/writer.js';
import { makeTempDir } from './helpers.js';
import { isSecretKey, redactText } from '../../../src/audit/secrets.js';
import { truncateString } from '../../../src/audit/truncate.js';

const bash = (command: string) => redactInput('Bash', { command }).input.command as string;
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const PEM = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACBmZXN0aXZhbHNlY3JldGtleW1hdGVyaWFsaGVyZQAAAJhmZXN0aXZhbHNl',
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n');

describe('secret values', () => {
  const cases: [string, string, string][] = [
    ['openai/anthropic key', 'key is sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv', 'sk-ant-api03-AbCdEf'],
    ['openai project key', 'sk-proj-abcdefghijklmnopqrstuvwx', 'abcdefghijklmnop'],
    ['github token', 'git clone https://ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ012345@github.com/x/y', 'ghp_aBcD'],
    ['github fine-grained', 'github_pat_11ABCDEFG0123456789_abcdefghijkl', 'github_pat_11'],
    ['aws access key id', 'aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
    ['jwt', `token ${JWT}`, 'SflKxwRJSMeKKF2QT4fw'],
    ['pem private key', `key:\n${PEM}\nrest`, 'b3BlbnNzaC1rZXkt'],
    ['bearer', 'Authorization header Bearer abc123def456ghi789', 'abc123def456'],
    ['url credentials', 'postgres://admin:hunter2secret@db.internal:5432/app', 'hunter2secret'],
    ['slack token', 'xoxb-123456789012-abcdefghijkl', 'xoxb-1234'],
    ['google key', 'key=AIzaSyA1234567890abcdefghijklmnopqrstuv', 'SyA1234567890'],
    ['basic credentials', 'Proxy: Basic dXNlcjpwYXNzd29yZDE=', 'dXNlcjpw'],
    ['cookie header', 'Set-Cookie: sid=abc123def', 'abc123def'],
    ['json password', '{"user": "bob", "password": "hunter2"}', 'hunter2'],
    ['yaml token', 'github:\n  token: abc123xyz\n', 'abc123xyz'],
    ['query string', 'https://api.example.com/v1?max_tokens=5&access_token=zzz999yyy', 'zzz999yyy'],
  ];
  for (const [name, text, secret] of cases) {
    it(name, () => {
      const r = redactText(text);
      expect(r.text).not.toContain(secret);
      expect(r.text).toContain('[REDACTED');
      expect(r.hits.length).toBeGreaterThan(0);
    });
  }

  it('keeps the shape around a PEM block and a URL user', () => {
    expect(redactText(PEM).text).toBe(
      '-----BEGIN OPENSSH PRIVATE KEY-----[REDACTED]-----END OPENSSH PRIVATE KEY-----',
    );
    expect(redactText('https://bob:pw12345@example.com/x').text).toBe('https://bob:[REDACTED]@example.com/x');
  });

  it('redacts a PEM block cut before its END line', () => {
    expect(redactText('-----BEGIN RSA PRIVATE KEY-----\nMIIEow').text).not.toContain('MIIEow');
  });
});

describe('Bash command strings', () => {
  it('export and inline assignments', () => {
    expect(bash('export API_KEY=abc123 && ./deploy')).toBe('export API_KEY=[REDACTED] && ./deploy');
    expect(bash('DB_PASSWORD="p a s s" psql')).toBe('DB_PASSWORD="[REDACTED]" psql');
    expect(bash("GITHUB_TOKEN='t0k3n' gh pr list")).toBe("GITHUB_TOKEN='[REDACTED]' gh pr list");
  });

  it('curl headers and user', () => {
    expect(bash(`curl -H 'Authorization: Bearer abc.def.ghi123' https://x`)).toBe(
      `curl -H 'Authorization: [REDACTED]' https://x`,
    );
    expect(bash('curl -H "X-Api-Key: k3y" https://x')).toBe('curl -H "X-Api-Key: [REDACTED]" https://x');
    expect(bash('curl -u alice:s3cret https://x')).toBe('curl -u alice:[REDACTED] https://x');
  });

  it('secret flags', () => {
    expect(bash('tool login --password hunter2 --user bob')).toBe(
      'tool login --password [REDACTED] --user bob',
    );
    expect(bash('tool --token=abc123 run')).toBe('tool --token=[REDACTED] run');
    expect(bash('mysql -u root -phunter2 db')).toBe('mysql -u root -p[REDACTED] db');
  });

  it('reports where it redacted', () => {
    expect(redactInput('Bash', { command: 'export TOKEN=x1', description: 'ok' }).redacted).toEqual([
      'command',
    ]);
  });
});

describe('ordinary text stays', () => {
  const plain = [
    'git commit -m "fix password reset flow"',
    'npm test -- --reporter=verbose',
    'ls -la /tmp && cd $PWD',
    'grep -rn "token" src/ | head -20',
    'The Basic authentication section explains tokens.',
    'curl https://example.com/api?page=2&max_tokens=100',
    'const n = tokens.length; // count the tokens',
    'ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519',
    'echo Bearer tokens are opaque',
  ];
  for (const text of plain) {
    it(text, () => {
      expect(bash(text)).toBe(text);
      expect(redactText(text).hits).toEqual([]);
    });
  }

  it('keys that merely contain a secret word', () => {
    expect(isSecretKey('max_tokens')).toBe(false);
    expect(isSecretKey('tokenizer')).toBe(false);
    expect(isSecretKey('file_path')).toBe(false);
    expect(isSecretKey('apiKey')).toBe(true);
    expect(isSecretKey('X-Auth-Token')).toBe(true);
    expect(isSecretKey('AWS_SECRET_ACCESS_KEY')).toBe(true);
  });
});

describe('redactInput', () => {
  it('redacts secret keys at any depth and leaves the input untouched', () => {
    const input = {
      url: 'https://x',
      headers: { Authorization: 'xyz', Accept: 'json' },
      auth: { password: 'p' },
    };
    const r = redactInput('WebFetch', input);
    expect(r.input).toEqual({
      url: 'https://x',
      headers: { Authorization: '[REDACTED]', Accept: 'json' },
      auth: '[REDACTED]',
    });
    expect(r.redacted).toEqual(['headers.Authorization', 'auth']);
    expect(input.headers.Authorization).toBe('xyz');
  });

  it('redacts inside arrays (MultiEdit)', () => {
    const r = redactInput('MultiEdit', { edits: [{ old_string: 'a', new_string: 'API_KEY=abc' }] });
    expect(r.input).toEqual({ edits: [{ old_string: 'a', new_string: 'API_KEY=[REDACTED]' }] });
    expect(r.redacted).toEqual(['edits[0].new_string']);
  });

  it('cuts long strings to a prefix and keeps the length and sha256 of the original', () => {
    const content = 'x'.repeat(5000);
    const r = redactInput('Write', { file_path: '/a', content });
    expect((r.input.content as string).length).toBe(2048);
    expect(r.truncated).toEqual([
      { path: 'content', bytes: 5000, sha256: createHash('sha256').update(content).digest('hex') },
    ]);
    expect(r.input.file_path).toBe('/a');
  });

  it('redacts a secret that straddles the cut', () => {
    const content = 'x'.repeat(2040) + ' sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz' + 'y'.repeat(3000);
    const kept = redactInput('Write', { content }, {}).input.content as string;
    expect(kept).not.toMatch(/sk-ant-a/);
    expect(kept).not.toContain('AbCd');
  });
});

describe('truncateString', () => {
  it('never cuts inside a UTF-8 character', () => {
    const t = truncateString('é'.repeat(2000), 2049);
    expect(t?.value).toBe('é'.repeat(1024));
    expect(t?.bytes).toBe(4000);
  });
  it('leaves short strings', () => {
    expect(truncateString('short')).toBeUndefined();
  });
});

describe('free text that leaves the supervisor (reasons, grant scopes, notices)', () => {
  const reason =
    'toolgate denied this Bash command `export OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz123456; psql --password hunter22 -h db` (rule db). Why: no';

  it('redactRecord redacts every string at any depth, shell patterns included, and keeps the rest', () => {
    const rec = {
      kind: 'escalation_opened',
      reason,
      n: 3,
      nested: {
        list: ['git push https://bob:ghp_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ@github.com/x main', 'ok'],
      },
    };
    const out = redactRecord(rec);
    expect(out.reason).toBe(
      'toolgate denied this Bash command `export OPENAI_API_KEY=[REDACTED:api-key]; psql --password [REDACTED] -h db` (rule db). Why: no',
    );
    expect(out.nested.list).toEqual(['git push https://bob:[REDACTED]@github.com/x main', 'ok']);
    expect(out.n).toBe(3);
    expect(rec.reason).toBe(reason); // not changed in place
    const clean = { kind: 'x', reason: 'nothing secret', list: ['a'] };
    expect(redactRecord(clean)).toBe(clean);
  });

  it('the audit writer stores every record redacted, so no caller can leak through a reason or a scope', () => {
    const dir = makeTempDir();
    try {
      const log = openAuditLog(dir);
      log.append({ kind: 'call_abandoned', call: 's.t', reason });
      log.append({
        kind: 'grant',
        grant_id: 'g-1',
        by: 'ann',
        scope: 'exact: Bash `mysql -u root -psecret9 db`',
      });
      log.close();
      const text = fs.readFileSync(path.join(dir, 'audit.jsonl'), 'utf8');
      for (const s of ['sk-proj-abc', 'hunter22', 'secret9']) expect(text).not.toContain(s);
      expect(readAudit(dir).map((r) => (r as { scope?: string }).scope)).toContain(
        'exact: Bash `mysql -u root -p[REDACTED] db`',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

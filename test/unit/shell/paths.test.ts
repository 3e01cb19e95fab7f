import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolvePath } from '../../../src/shell/index.js';

const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'toolgate-paths-')));
mkdirSync(path.join(root, 'real', 'sub'), { recursive: true });
symlinkSync(path.join(root, 'real'), path.join(root, 'link'));
symlinkSync('/etc', path.join(root, 'etc-link'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('resolvePath', () => {
  const cwd = '/srv/ws';
  const home = '/home/dev';
  it('makes relative paths absolute against cwd', () => {
    expect(resolvePath('src/a.ts', cwd, home)).toBe('/srv/ws/src/a.ts');
    expect(resolvePath('.', cwd, home)).toBe('/srv/ws');
  });
  it('expands ~ and $HOME forms', () => {
    expect(resolvePath('~', cwd, home)).toBe('/home/dev');
    expect(resolvePath('~/.ssh/id_rsa', cwd, home)).toBe('/home/dev/.ssh/id_rsa');
    expect(resolvePath('$HOME/.bashrc', cwd, home)).toBe('/home/dev/.bashrc');
    expect(resolvePath('${HOME}/x', cwd, home)).toBe('/home/dev/x');
    expect(resolvePath('$HOME', cwd, home)).toBe('/home/dev');
  });
  it('leaves ~user and other variables as written relative to cwd', () => {
    expect(resolvePath('~bob/x', cwd, home)).toBe('/srv/ws/~bob/x');
    expect(resolvePath('$HOMEX/x', cwd, home)).toBe('/srv/ws/$HOMEX/x');
  });
  it('folds .. . and repeated slashes', () => {
    expect(resolvePath('../../etc//passwd', cwd, home)).toBe('/etc/passwd');
    expect(resolvePath('/srv//ws/./a/../b', cwd, home)).toBe('/srv/ws/b');
    expect(resolvePath('../../../../..', cwd, home)).toBe('/');
  });
  it('resolves symlinks that exist, and keeps the missing rest', () => {
    expect(resolvePath('link/sub/file.txt', root, home)).toBe(path.join(root, 'real', 'sub', 'file.txt'));
    expect(resolvePath(path.join(root, 'link'), '/', home)).toBe(path.join(root, 'real'));
    expect(resolvePath('etc-link/shadow', root, home)).toBe(realpathSync('/etc') + '/shadow');
    expect(resolvePath('link/missing/deeper', root, home)).toBe(path.join(root, 'real', 'missing', 'deeper'));
  });
  it('never throws on odd input', () => {
    expect(resolvePath('', cwd, home)).toBe('/srv/ws');
    expect(resolvePath('a\0b', cwd, home)).toBe('/srv/ws/a\0b');
    expect(resolvePath('x', '', home)).toBe('/x');
  });
});

import { describe, expect, it } from 'vitest';
import { reasonOf } from '../../src/integrations/backup/fs-reason.ts';

/**
 * Why a file was left out of a backup, in words. (A file the bot may not read cannot be made for a test
 * running as root, as CI does, so the mapping is tested here; the other reasons are met for real in
 * test/integration/backup.test.ts.)
 */
describe('reasonOf', () => {
  it.each([
    ['EACCES', 'no permission'],
    ['EPERM', 'no permission'],
    ['ENOENT', 'not found'],
    ['ELOOP', 'a symbolic link: not followed'],
    ['ENXIO', 'a socket or device with nothing to read'],
  ])('%s → %s', (code, reason) => {
    expect(reasonOf(Object.assign(new Error(`${code}: something`), { code }))).toBe(reason);
  });

  it('anything else by its message', () => {
    expect(reasonOf(new Error('EIO: i/o error, read'))).toBe('EIO: i/o error, read');
    expect(reasonOf('odd')).toBe('odd');
  });
});

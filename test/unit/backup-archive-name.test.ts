import { describe, expect, it } from 'vitest';
import { archiveName, backupTimestamp, parseArchiveName } from '../../src/integrations/backup/archive-name.ts';

describe('backup archive names', () => {
  const takenAt = new Date('2026-12-01T08:15:00.734Z');

  it('names an archive by connector and UTC second', () => {
    expect(backupTimestamp(takenAt)).toBe('20261201T081500Z');
    expect(archiveName('prod-connector', takenAt)).toBe('prod-connector-20261201T081500Z.tar.gz');
    // A local time with an offset is the same moment in UTC.
    expect(archiveName('a', new Date('2026-12-01T09:15:00+01:00'))).toBe('a-20261201T081500Z.tar.gz');
  });

  it('refuses connector names that could leave the directory or hide the file, and invalid times', () => {
    for (const name of ['../etc', 'a/b', '.hidden', '', 'a b', 'x'.repeat(64)]) {
      expect(() => archiveName(name, takenAt)).toThrow(/cannot name a backup file/);
    }
    expect(() => archiveName('a', new Date('nonsense'))).toThrow(/valid time/);
  });

  it('reads the connector and the time back from a name, dashes in the name included', () => {
    expect(parseArchiveName('prod-connector-20261201T081500Z.tar.gz')).toEqual({
      connector: 'prod-connector',
      takenAt: new Date('2026-12-01T08:15:00Z'),
    });
    expect(parseArchiveName(archiveName('a-20250101T000000Z', takenAt))?.connector).toBe('a-20250101T000000Z');
  });

  it('passes over other files, temporary archives and impossible times', () => {
    for (const name of [
      '.prod-20261201T081500Z.tar.gz.3f2a.partial',
      'prod-20261201T081500Z.tar',
      'prod-20261201T0815Z.tar.gz',
      'prod-20261399T081500Z.tar.gz',
      'mongodump-2026-12-01.gz',
      '20261201T081500Z.tar.gz',
    ]) {
      expect(parseArchiveName(name)).toBeUndefined();
    }
  });
});

/** The configuration's rule for connector names (`src/config/values.ts`), which also keeps them safe in a file name. */
const CONNECTOR_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const ARCHIVE_NAME = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,62})-(\d{8}T\d{6}Z)\.tar\.gz$/;
const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The moment as it stands in an archive's name, in UTC to the second: `20261201T081500Z`. */
export function backupTimestamp(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new Error('a backup needs a valid time');
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** `<connector>-<UTC timestamp>.tar.gz`; refuses a name that could leave the backup directory or hide. */
export function archiveName(connector: string, takenAt: Date): string {
  if (!CONNECTOR_NAME.test(connector)) {
    throw new Error(`connector name ${JSON.stringify(connector)} cannot name a backup file: letters, digits, ".", "_" or "-" only`);
  }
  return `${connector}-${backupTimestamp(takenAt)}.tar.gz`;
}

/** The connector and the moment an archive's name stands for; undefined for any other file. */
export function parseArchiveName(name: string): { connector: string; takenAt: Date } | undefined {
  const [, connector, stamp] = ARCHIVE_NAME.exec(name) ?? [];
  const parts = stamp ? STAMP.exec(stamp) : null;
  if (!connector || !stamp || !parts) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as [number, number, number, number, number, number];
  const takenAt = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 20261399 over into a later month: such a name was not made here.
  return backupTimestamp(takenAt) === stamp ? { connector, takenAt } : undefined;
}

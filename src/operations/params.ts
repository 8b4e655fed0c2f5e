import type { OperationKind, OperationParams, RecordedParams } from '../domain/operation.ts';

/** Each kind's params from what its request recorded, or what the record lacks. */
const READERS: { [K in OperationKind]: (recorded: RecordedParams) => OperationParams[K] | string } = {
  restart: () => ({}),
  stop: () => ({}),
  start: ({ force }) => ({ ...(force && { force }) }),
  update: ({ targetVersion, targetImage, currentVersion, major }) =>
    targetVersion && targetImage && currentVersion ? { targetVersion, targetImage, currentVersion, ...(major && { major }) } : 'the version and image it goes to, and the version it comes from',
  backup: () => ({}),
  cleanup: ({ items }) => (items ? { items } : 'the items it was to remove'),
};

/**
 * The params a run of `kind` needs, from what its request recorded (by this version or an earlier one); a record
 * that lacks one is refused with what it lacks, never run on a guess.
 */
export function paramsOf<K extends OperationKind>(kind: K, recorded: RecordedParams): { ok: true; params: OperationParams[K] } | { ok: false; problem: string } {
  const read = READERS[kind](recorded);
  return typeof read === 'string' ? { ok: false, problem: `its request does not record ${read}; request it again` } : { ok: true, params: read };
}

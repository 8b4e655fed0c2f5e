import { compareOpTimes, describeOpTime, type OpTime } from '../../domain/optime.ts';
import type { StopMarker } from './stop-marker.ts';

/** What the bot kept of a stop: the marker it wrote and the deployment's optime right after. */
export interface RecordedStop {
  markerId: string;
  stoppedAt: Date;
  /** Absent when the deployment was a standalone at the stop. */
  optime?: OpTime;
}

/** What the database holds now. */
export interface FoundState {
  marker?: StopMarker;
  optime?: OpTime;
}

export type Freshness = { fresh: true } | { fresh: false; reason: string };

const RESTORED = 'the database was restored to a point before the stop';

/**
 * Whether a Connector may start on this database: the guide's "never start a Connector on a database
 * older than the one it stopped with". The marker travels with the Connector's database, so a restore
 * of that database takes it back; on a replica set the optime catches a restore of the whole
 * deployment as well. Pure: the caller reads the state and acts on the verdict.
 */
export function judgeFreshness(recorded: RecordedStop, found: FoundState): Freshness {
  const { marker } = found;
  if (!marker) return stale(`the stop marker is missing: ${RESTORED}, or is another database`);
  if (marker.markerId !== recorded.markerId && marker.stoppedAt.getTime() <= recorded.stoppedAt.getTime()) {
    // Two stops at the same instant count as older: which came later cannot be told.
    return stale(
      `an older stop marker (${markerText(marker)}) is there instead of the one written at the stop (${markerText(recorded)}): ${RESTORED}, or is another database`,
    );
  }
  // A later marker than the recorded one means a later stop reached this database (another bot, or a
  // record the bot lost): not older. The optime still has the last word.
  if (!recorded.optime) return { fresh: true };
  if (!found.optime) {
    return stale(
      `the database reports no last applied operation, while at the stop it did (${describeOpTime(recorded.optime)}): it is not the replica set the Connector stopped with`,
    );
  }
  const order = compareOpTimes(found.optime, recorded.optime);
  if (order === undefined) {
    return stale(`the optimes cannot be compared (now ${JSON.stringify(found.optime)}, at the stop ${JSON.stringify(recorded.optime)})`);
  }
  if (order < 0) {
    return stale(
      `the database is older than at the stop: its last applied operation (${describeOpTime(found.optime)}) is earlier than at the stop (${describeOpTime(recorded.optime)})`,
    );
  }
  return { fresh: true };
}

function stale(reason: string): Freshness {
  return { fresh: false, reason };
}

function markerText(marker: { markerId: string; stoppedAt: Date }): string {
  return `${marker.markerId} of ${marker.stoppedAt.toISOString()}`;
}

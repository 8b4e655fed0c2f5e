import type { OpTime } from '../domain/optime.ts';
import type { Store } from './store.ts';

/** What a stop left behind, as the bot keeps it: what the start after a downtime compares the database with. */
export interface StopRecord {
  markerId: string;
  connector: string;
  stoppedAt: Date;
  requestId?: string;
  image?: string;
  digest?: string;
  /** The Connector's SyncInfo just before the stop. */
  syncInfo?: unknown;
  /** The replica set's last applied operation right after the marker was written. */
  optime?: OpTime;
  /** Whether the marker document reached the Connector's database. */
  databaseMarker: boolean;
}

export class StopMarkerRecords {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  add(record: StopRecord): void {
    this.store.db
      .prepare(
        `INSERT INTO stop_markers (marker_id, connector, stopped_at, request_id, image, digest, sync_info, optime, database_marker)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.markerId,
        record.connector,
        record.stoppedAt.getTime(),
        record.requestId ?? null,
        record.image ?? null,
        record.digest ?? null,
        record.syncInfo === undefined ? null : JSON.stringify(record.syncInfo),
        record.optime ? JSON.stringify(record.optime) : null,
        Number(record.databaseMarker),
      );
  }

  /** The connector's last stop, if the bot stopped it. */
  latest(connector: string): StopRecord | undefined {
    const row = this.store.db
      .prepare('SELECT * FROM stop_markers WHERE connector = ? ORDER BY stopped_at DESC LIMIT 1')
      .get(connector) as
      | { marker_id: string; connector: string; stopped_at: number; request_id: string | null; image: string | null; digest: string | null; sync_info: string | null; optime: string | null; database_marker: number }
      | undefined;
    if (!row) return undefined;
    return {
      markerId: row.marker_id,
      connector: row.connector,
      stoppedAt: new Date(row.stopped_at),
      ...(row.request_id && { requestId: row.request_id }),
      ...(row.image && { image: row.image }),
      ...(row.digest && { digest: row.digest }),
      ...(row.sync_info && { syncInfo: JSON.parse(row.sync_info) as unknown }),
      ...(row.optime && { optime: JSON.parse(row.optime) as OpTime }),
      databaseMarker: row.database_marker === 1,
    };
  }
}

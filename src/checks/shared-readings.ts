import type { Connector } from '../domain/connector.ts';

/**
 * Readings that several checks of one report share: host facts (engine version, data root disk, host memory)
 * are read once per engine per report, not once per connector. A fresh one for every report, knowing the
 * connectors it covers, so that a reading may be taken for all of them at once.
 */
export class SharedReadings {
  private readonly readings = new Map<string, Promise<unknown>>();

  readonly connectors: readonly Connector[];

  constructor(connectors: readonly Connector[]) {
    this.connectors = connectors;
  }

  once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let reading = this.readings.get(key) as Promise<T> | undefined;
    if (!reading) {
      reading = read();
      this.readings.set(key, reading);
    }
    return reading;
  }
}

/** Through the report's shared readings when there are some (a check run on its own reads for itself). */
export function readOnce<T>(shared: SharedReadings | undefined, key: string, read: () => Promise<T>): Promise<T> {
  return shared ? shared.once(key, read) : read();
}

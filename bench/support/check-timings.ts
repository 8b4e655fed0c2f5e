import { pino, type Logger } from 'pino';

/**
 * The duration of every finished check as the runner tells it (the "check finished" debug record that
 * src/root.ts logs from the runner's onResult hook): where a report spends its time, without a hook of its own.
 */
export interface CheckTimings {
  /** The logger to build the services with. */
  logger: Logger;
  /** The durations (ms) by check id since the last call, and forgets them. */
  take(): Map<string, number[]>;
}

export function checkTimings(): CheckTimings {
  let durations = new Map<string, number[]>();
  // A destination that pino writes to synchronously: every record is counted by the time the report is back.
  const destination = {
    write(line: string) {
      const record = JSON.parse(line) as { msg?: string; check?: string; durationMs?: number };
      if (record.msg !== 'check finished' || !record.check || record.durationMs === undefined) return;
      durations.set(record.check, [...(durations.get(record.check) ?? []), record.durationMs]);
    },
  };
  return {
    logger: pino({ level: 'debug' }, destination),
    take() {
      const taken = durations;
      durations = new Map();
      return taken;
    },
  };
}

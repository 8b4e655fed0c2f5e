/** One disk's use at a moment: the sampler takes them, the disk-full forecast and the daily report's chart read them. */
export interface DiskSample {
  path: string;
  sampledAt: Date;
  usedBytes: number;
  totalBytes: number;
}

/** The host's memory use at a moment, for the daily report's chart. */
export interface MemorySample {
  sampledAt: Date;
  /** Total minus what new work can still get (MemAvailable), as the resources check counts it. */
  usedBytes: number;
  totalBytes: number;
}

/** What the resources check reads: samples of one path since a moment. */
export interface DiskSampleReader {
  since(path: string, since: Date): DiskSample[];
}

/** The samples could not be read at all (`connector-ops check` without a store it can open): why. */
export interface SamplesLeftOut {
  leftOut: string;
}

import type { ErrorEvent } from './event.ts';
import { errorClassOf, normaliseMessage } from './normalise.ts';

/** How many errors, how many of them FATAL, and when the first and last of them happened. */
export interface Tally {
  count: number;
  fatal: number;
  firstSeen: number | undefined;
  lastSeen: number | undefined;
}

export interface ErrorGroup extends Tally {
  /** The normalised first line of the message (plus the error class when only the stack names it). */
  key: string;
  /** The first occurrence: its first line and a few stack lines, redacted. */
  sample: string;
}

/** A grouper's findings as plain data, which a scan in another thread can hand back. */
export interface GroupedErrors {
  total: Tally;
  overflow: Tally;
  /** The largest first, the most recent first among equals. */
  groups: ErrorGroup[];
}

export const DEFAULT_MAX_GROUPS = 1000;
const SAMPLE_STACK_LINES = 3;
/**
 * Raw messages remembered with their key, so repeats of one message skip the masking. Enough for the messages a
 * Connector repeats; messages that never repeat (an id in each) only fill it, and twenty scans' caches of 4096
 * kept so many young objects alive that the garbage collector's scavenges took two to three times longer.
 */
const KEY_CACHE_SIZE = 256;

/**
 * Groups error events by normalised message. Memory is bounded whatever the log holds: at most
 * `maxGroups` groups (errors of further messages are tallied as overflow), one bounded sample each,
 * and a bounded cache of keys.
 */
export class ErrorGrouper {
  readonly total: Tally = emptyTally();
  /** Errors whose message would have opened a group beyond the cap. */
  readonly overflow: Tally = emptyTally();
  private readonly groups = new Map<string, ErrorGroup>();
  private readonly keys: ErrorKeys;
  private readonly maxGroups: number;

  constructor(redact: (text: string) => string, maxGroups = DEFAULT_MAX_GROUPS) {
    this.keys = new ErrorKeys(redact);
    this.maxGroups = maxGroups;
  }

  add(event: ErrorEvent): void {
    count(this.total, event);
    const key = this.keys.keyOf(event);
    let group = this.groups.get(key);
    if (!group) {
      if (this.groups.size >= this.maxGroups) {
        count(this.overflow, event);
        return;
      }
      group = { key, sample: this.keys.sampleOf(event), ...emptyTally() };
      this.groups.set(key, group);
    }
    count(group, event);
  }

  /** The findings as plain data (structured-cloneable), the largest groups first. */
  findings(): GroupedErrors {
    return { total: { ...this.total }, overflow: { ...this.overflow }, groups: this.top(this.groups.size) };
  }

  get groupCount(): number {
    return this.groups.size;
  }

  /** The `n` largest groups, the most recent first among equals. */
  top(n: number): ErrorGroup[] {
    return [...this.groups.values()]
      .sort((a, b) => b.count - a.count || (b.lastSeen ?? 0) - (a.lastSeen ?? 0))
      .slice(0, n);
  }
}

/**
 * What groups an error event, and what shows it: the normalised, redacted first line (plus the error class when
 * only the stack names it), and a redacted sample. Remembers the keys of recent messages, so that repeats of one
 * message skip the masking.
 */
export class ErrorKeys {
  private readonly keys = new Map<string, string>();
  private readonly redact: (text: string) => string;

  constructor(redact: (text: string) => string) {
    this.redact = redact;
  }

  keyOf(event: ErrorEvent): string {
    let key = this.keys.get(event.message);
    if (key === undefined) {
      if (this.keys.size >= KEY_CACHE_SIZE) this.keys.clear();
      // Redacted as well: the key is shown as the group's label.
      key = this.redact(normaliseMessage(event.message));
      this.keys.set(event.message, key);
    }
    if (errorClassOf(event.message) === undefined) {
      const stackClass = errorClassOf(event.stack[0] ?? '');
      if (stackClass) return key === '' ? stackClass : `${key} (${stackClass})`;
    }
    return key;
  }

  sampleOf(event: ErrorEvent): string {
    return this.redact([event.message, ...event.stack.slice(0, SAMPLE_STACK_LINES)].join('\n'));
  }
}

function emptyTally(): Tally {
  return { count: 0, fatal: 0, firstSeen: undefined, lastSeen: undefined };
}

function count(tally: Tally, event: ErrorEvent): void {
  tally.count++;
  if (event.level === 'FATAL') tally.fatal++;
  const time = event.time;
  if (time === undefined) return;
  if (tally.firstSeen === undefined || time < tally.firstSeen) tally.firstSeen = time;
  if (tally.lastSeen === undefined || time > tally.lastSeen) tally.lastSeen = time;
}


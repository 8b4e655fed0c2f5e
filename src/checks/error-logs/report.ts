import type { ErrorLogsData } from '../../domain/check-data.ts';
import { checkResult } from '../../domain/check-result.ts';
import type { CheckDetail, CheckResult } from '../../domain/check-result.ts';
import { worstStatus } from '../../domain/status.ts';
import type { CheckStatus } from '../../domain/status.ts';
import type { ErrorGroup, Tally } from '../../logs/grouper.ts';
import type { ErrorLogScan, SourceOutcome } from './scan.ts';
import { knownError } from '../../logs/known-errors.ts';
import { shorten } from '../../logs/text.ts';
import { formatClock } from '../../logs/time.ts';
import { approximateDuration } from '../../domain/duration.ts';

export interface ErrorLogsOptions {
  /** How far back to look, in hours. */
  windowHours: number;
  /** Errors in the window from which on the check warns. */
  warnAt: number;
  /** Errors in the window from which on the check is critical; any FATAL event is critical too. */
  criticalAt: number;
  /** Distinct messages tracked before further ones are tallied as "other". */
  maxGroups: number;
}

export const DEFAULT_ERROR_LOGS_OPTIONS: ErrorLogsOptions = {
  windowHours: 24,
  warnAt: 1,
  criticalAt: 50,
  maxGroups: 1000,
};

const MAX_LABEL_CHARS = 100;
const MAX_LISTED_FILES = 3;
const MAX_WINDOW_AS_DURATION_MS = 90 * 86_400_000;

/**
 * Turns a finished scan into the check's result: status by counts, summary, one detail per group, every group
 * (with what it means and the next step when the Connector is known to print it), and one per source.
 */
export function errorLogsResult(scan: ErrorLogScan, options: ErrorLogsOptions, now: Date, connector: string): CheckResult {
  const { errors, sources } = scan;
  const failed = sources.filter((source) => source.failure !== undefined);
  const window = windowText(options.windowHours, now);
  const sourceDetails = sources.map(sourceDetail);
  if (failed.length === sources.length) {
    return checkResult('error-logs', 'unknown', `could not read the logs: ${failed.map(failureText).join('; ')}`, sourceDetails);
  }

  const total = errors.total;
  const countStatus: CheckStatus =
    total.fatal > 0 || total.count >= options.criticalAt ? 'critical' : total.count >= options.warnAt ? 'warn' : 'ok';
  const status = failed.length > 0 ? worstStatus([countStatus, 'unknown']) : countStatus;

  let summary = total.count === 0 ? `no errors ${window}` : `${errorsText(total)} ${window} (${groupsText(scan)})`;
  if (total.lastSeen !== undefined) summary += `, last ${formatClock(total.lastSeen, now)}`;
  if (failed.length > 0) summary += `; ${failed.map(failureText).join('; ')}`;

  // Every group: details are shown only on request (--details), where "every detail" is the promise;
  // a chat platform carries what its message cannot hold as a file.
  const details: CheckDetail[] = errors.groups.map((group) => groupDetail(group, now, connector));
  if (errors.overflow.count > 0) {
    details.push({
      label: 'other messages',
      value: `${errors.overflow.count} ${plural(errors.overflow.count, 'error')} beyond the first ${errors.groups.length} distinct messages`,
      status: errors.overflow.fatal > 0 ? 'critical' : 'warn',
    });
  }
  return checkResult('error-logs', status, summary, [...details, ...sourceDetails], [], errorLogsData(scan, options, now));
}

/** Every group as data: its message, level, count and when it was first and last seen. */
function errorLogsData({ errors }: ErrorLogScan, options: ErrorLogsOptions, now: Date): ErrorLogsData {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    since: iso(now.getTime() - options.windowHours * 3_600_000),
    until: iso(now.getTime()),
    events: errors.total.count,
    fatal: errors.total.fatal,
    groups: errors.groups.map(({ key, count, fatal, firstSeen, lastSeen }) => ({
      message: key,
      level: fatal > 0 ? 'fatal' : 'error',
      count,
      fatal,
      ...(firstSeen !== undefined && { firstSeen: iso(firstSeen) }),
      ...(lastSeen !== undefined && { lastSeen: iso(lastSeen) }),
    })),
    otherEvents: errors.overflow.count,
  };
}

function groupDetail(group: ErrorGroup, now: Date, connector: string): CheckDetail {
  const parts = [`${group.count}×`];
  if (group.fatal > 0) parts.push(`${group.fatal} FATAL`);
  if (group.firstSeen !== undefined) parts.push(`first ${formatClock(group.firstSeen, now)}`);
  if (group.lastSeen !== undefined) parts.push(`last ${formatClock(group.lastSeen, now)}`);
  const known = knownError(group.sample, connector);
  if (known) parts.push(`${known.explanation} → ${known.nextStep}`);
  parts.push(group.sample);
  return {
    label: shorten(group.key === '' ? '(empty message)' : group.key, MAX_LABEL_CHARS),
    value: parts.join(' · '),
    status: group.fatal > 0 ? 'critical' : 'warn',
  };
}

function sourceDetail(source: SourceOutcome): CheckDetail {
  const label = source.kind === 'container' ? 'container logs' : 'log files';
  if (source.failure !== undefined) {
    const partial = source.lines > 0 ? ` (after ${source.lines} lines)` : '';
    return { label, value: `${source.name}: unreadable${partial}: ${source.failure}`, status: 'unknown' };
  }
  const read = `${source.lines} ${plural(source.lines, 'line')}, ${megabytes(source.bytes)}`;
  if (source.kind === 'container') return { label, value: `${source.name}: ${read}` };
  const files = source.files ?? [];
  if (files.length === 0) return { label, value: `${source.name}: no file changed within the window` };
  const listed = files.slice(-MAX_LISTED_FILES).join(', ');
  const more = files.length > MAX_LISTED_FILES ? ` and ${files.length - MAX_LISTED_FILES} more` : '';
  return { label, value: `${files.length} ${plural(files.length, 'file')} (${listed}${more}): ${read}` };
}

/** `in 24 h`, `in 7 d`; a window longer than a season reads better as the day it starts: `since 2015-06-01`. */
function windowText(hours: number, now: Date): string {
  const ms = hours * 3_600_000;
  if (ms > MAX_WINDOW_AS_DURATION_MS) return `since ${new Date(now.getTime() - ms).toISOString().slice(0, 10)}`;
  return `in ${approximateDuration(ms)}`;
}

function errorsText(total: Tally): string {
  const fatal = total.fatal > 0 ? ` (${total.fatal} FATAL)` : '';
  return `${total.count} ${plural(total.count, 'error')}${fatal}`;
}

function groupsText(scan: ErrorLogScan): string {
  const groups = scan.errors.groups.length;
  const more = scan.errors.overflow.count > 0 ? '+' : '';
  return `${groups}${more} ${plural(groups, 'group')}`;
}

function failureText(source: SourceOutcome): string {
  return `${source.kind === 'container' ? 'container logs' : 'log files'} unreadable: ${source.failure ?? ''}`;
}

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}

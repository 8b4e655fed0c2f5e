import { parseCron } from './cron.ts';
import { isTimeZone } from './zoned-time.ts';

/** Weekdays at 08:00. */
export const DEFAULT_REPORT_SCHEDULE = '0 8 * * 1-5';

/** What is wrong with REPORT_SCHEDULE and REPORT_TIMEZONE, and what is expected; undefined when both are fine. */
export function validateSchedule(cron: string, zone: string): string | undefined {
  const problems: string[] = [];
  const parsed = parseCron(cron);
  if ('problem' in parsed) {
    problems.push(`REPORT_SCHEDULE must be a cron expression of 5 fields (minute hour day-of-month month weekday) such as '${DEFAULT_REPORT_SCHEDULE}', got ${JSON.stringify(cron)}: ${parsed.problem}`);
  }
  if (!isTimeZone(zone)) problems.push(`REPORT_TIMEZONE must be an IANA time zone such as Europe/Berlin, got ${JSON.stringify(zone)}`);
  return problems.length > 0 ? problems.join('; ') : undefined;
}

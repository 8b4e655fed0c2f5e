import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { ReportSchedule } from '../../src/scheduler/report-schedule.ts';
import { DEFAULT_REPORT_SCHEDULE, validateSchedule } from '../../src/time/schedule.ts';
import type { ScheduledRuns } from '../../src/store/scheduled-runs.ts';

describe('validateSchedule', () => {
  it('accepts the default (weekdays at 08:00) in any IANA zone, UTC and aliases included', () => {
    expect(DEFAULT_REPORT_SCHEDULE).toBe('0 8 * * 1-5');
    for (const zone of ['Europe/Berlin', 'UTC', 'America/New_York', 'Europe/Kyiv', 'Europe/Kiev', 'Asia/Kolkata']) {
      expect(validateSchedule(DEFAULT_REPORT_SCHEDULE, zone)).toBeUndefined();
    }
  });

  it('names what is wrong with the cron expression and what is expected', () => {
    expect(validateSchedule('0 8 * *', 'UTC')).toBe(
      `REPORT_SCHEDULE must be a cron expression of 5 fields (minute hour day-of-month month weekday) such as '0 8 * * 1-5', got "0 8 * *": it has 4 fields`,
    );
    expect(validateSchedule('0 25 * * 1-5', 'UTC')).toBe(
      `REPORT_SCHEDULE must be a cron expression of 5 fields (minute hour day-of-month month weekday) such as '0 8 * * 1-5', got "0 25 * * 1-5": the hour 25 is outside 0-23`,
    );
  });

  it('names a zone that is not an IANA time zone', () => {
    for (const zone of ['Mars/Olympus', 'Berlin', '', '+01:00', 'Europe/Berlin ']) {
      expect(validateSchedule(DEFAULT_REPORT_SCHEDULE, zone)).toBe(`REPORT_TIMEZONE must be an IANA time zone such as Europe/Berlin, got ${JSON.stringify(zone)}`);
    }
  });

  it('names both when both are wrong', () => {
    expect(validateSchedule('every morning', 'CEST')).toBe(
      `REPORT_SCHEDULE must be a cron expression of 5 fields (minute hour day-of-month month weekday) such as '0 8 * * 1-5', got "every morning": it has 2 fields; ` +
        'REPORT_TIMEZONE must be an IANA time zone such as Europe/Berlin, got "CEST"',
    );
  });

  it('a ReportSchedule is not made with either wrong', () => {
    const options = { name: 'daily-report', runs: {} as ScheduledRuns, run: async () => {}, logger: pino({ level: 'silent' }) };
    expect(() => new ReportSchedule({ ...options, cron: '0 8 * * 1-5', zone: 'Mars/Olympus' })).toThrow('REPORT_TIMEZONE must be an IANA time zone such as Europe/Berlin, got "Mars/Olympus"');
    expect(() => new ReportSchedule({ ...options, cron: '0 8 * * 9', zone: 'UTC' })).toThrow('got "0 8 * * 9": the weekday 9 is outside 0-7');
  });
});

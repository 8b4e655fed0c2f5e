import { z } from 'zod';
import type { Config, NotificationTarget } from '../config.ts';
import { SETTINGS } from '../settings.ts';
import type { Sources } from '../sources.ts';
import { validateSchedule } from '../../time/schedule.ts';

/** A conversation as the YAML file names one: the platform and its id. */
const targetSchema = z
  .object({
    platform: z.enum(['slack', 'teams', 'console'], { message: 'must be slack, teams or console' }),
    channel: z.string().trim().min(1).optional(),
    receives: z.array(z.enum(['reports', 'alerts'], { message: 'must be reports or alerts' })).min(1).default(['reports', 'alerts']),
    minSeverity: z.enum(['warn', 'critical'], { message: 'must be warn or critical' }).default('warn'),
    connectors: z.array(z.string().trim().min(1)).default([]),
  })
  .strict()
  .refine((t) => t.platform === 'console' || t.channel !== undefined, { message: 'needs a channel (a Slack channel id such as C0123ABCD, or a Teams conversation id)' });

/** The report schedule's settings, and the conversations the YAML file subscribes (`notifications:`). */
export function readReports(sources: Sources): Pick<Config, 'reports' | 'notifications' | 'alerts'> {
  const reports = {
    schedule: sources.read(SETTINGS.REPORT_SCHEDULE),
    timezone: sources.read(SETTINGS.REPORT_TIMEZONE),
    graceHours: sources.read(SETTINGS.REPORT_GRACE_HOURS),
  };
  const problem = validateSchedule(reports.schedule, reports.timezone);
  if (problem) sources.problems.push(problem);
  const targets = sources.file?.section('notifications', z.array(targetSchema).nullish(), sources.problems) ?? [];
  const notifications: NotificationTarget[] = (targets ?? []).map((t) => ({
    conversation: t.platform === 'console' ? 'console' : `${t.platform}:${t.channel}`,
    receives: t.receives,
    minSeverity: t.minSeverity,
    connectors: t.connectors,
  }));
  const ms = (seconds: number) => seconds * 1000;
  const alerts = {
    groupWaitMs: ms(sources.read(SETTINGS.ALERT_GROUP_WAIT_SECONDS)),
    groupIntervalMs: ms(sources.read(SETTINGS.ALERT_GROUP_INTERVAL_SECONDS)),
    repeatIntervalMs: ms(sources.read(SETTINGS.ALERT_REPEAT_INTERVAL_SECONDS)),
    resolveMs: ms(sources.read(SETTINGS.ALERT_RESOLVE_SECONDS)),
    holdMs: ms(sources.read(SETTINGS.ALERT_HOLD_SECONDS)),
    probeIntervalMs: ms(sources.read(SETTINGS.ALERT_PROBE_SECONDS)),
    slowChecksIntervalMs: ms(sources.read(SETTINGS.ALERT_SLOW_CHECKS_SECONDS)),
    followLogs: sources.read(SETTINGS.ALERT_FOLLOW_LOGS),
  };
  return { reports, notifications, alerts };
}

import { instantsAt, wallClock } from './zoned-time.ts';

// Read and walked here rather than by node-cron (no previous instant; next ones only from the current clock),
// cron-parser (its previous and next instants disagree on the days the clocks change) or croner (it would serve
// the default schedule, but runs a skipped 02:30 at 03:00, not shifted by the gap to 03:30).

/**
 * A cron expression of five fields (minute hour day-of-month month weekday), read as cron(8) reads it:
 * numbers, ranges, steps of a range or of `*` (`8-18/2`), lists, names (jan-dec, sun-sat), weekday 7 = Sunday;
 * when both the day of month and the weekday are restricted, either one matching is enough.
 */
export interface Cron {
  minutes: readonly number[];
  hours: readonly number[];
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  weekdays: ReadonlySet<number>;
  eitherDay: boolean;
  /**
   * No `*` in the minute or the hour: a time of day. In the hour skipped when the clocks go forward it runs
   * shifted by the gap (02:30 → 03:30), as RFC 5545, java.time and Temporal read a skipped time (cronie runs it at
   * the change itself, node-cron loses it); in the hour repeated when they go back it runs once, at its first
   * occurrence, as cronie does. A schedule by the clock (a `*` there: every 30 minutes) runs at the minutes that
   * exist: none in the skipped hour, both times in the repeated one.
   */
  timeOfDay: boolean;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'weekday', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

/** The longest a month can be (February: 29). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const ITEM = /^(\*|[a-z0-9]+)(?:-([a-z0-9]+))?(?:\/(\d+))?$/;

/** The expression read, or what is wrong with it (without the expression itself). */
export function parseCron(expression: string): Cron | { problem: string } {
  const trimmed = expression.trim().toLowerCase();
  const texts = trimmed === '' ? [] : trimmed.split(/\s+/);
  if (texts.length !== 5) return { problem: `it has ${texts.length} ${texts.length === 1 ? 'field' : 'fields'}` };
  const fields: Array<Set<number>> = [];
  for (const [index, spec] of FIELDS.entries()) {
    const values = parseField(texts[index]!, spec);
    if (typeof values === 'string') return { problem: values };
    fields.push(values);
  }
  const [minutes, hours, daysOfMonth, months, weekdays] = fields as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (weekdays.delete(7)) weekdays.add(0);
  const [minuteText, hourText, dayText, , weekdayText] = texts as [string, string, string, string, string];
  const eitherDay = !dayText.startsWith('*') && !weekdayText.startsWith('*');
  if (!eitherDay && ![...months].some((month) => [...daysOfMonth].some((day) => day <= MONTH_DAYS[month - 1]!))) {
    return { problem: `it never runs: the day of month ${dayText} does not come in the month ${texts[3]}` };
  }
  return {
    minutes: [...minutes].sort((a, b) => a - b),
    hours: [...hours].sort((a, b) => a - b),
    daysOfMonth,
    months,
    weekdays,
    eitherDay,
    timeOfDay: !minuteText.startsWith('*') && !hourText.startsWith('*'),
  };
}

function parseField(text: string, spec: FieldSpec): Set<number> | string {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const match = ITEM.exec(item);
    if (!match) return `the ${spec.name} ${quote(item)} is not a number, a range or a step`;
    const first = match[1]!;
    const [, , last, step] = match;
    if (first === '*' && last !== undefined) return `the ${spec.name} ${quote(item)} is not a range`;
    if (first !== '*' && last === undefined && step !== undefined) return `the ${spec.name} ${quote(item)} steps without a range (such as */${step} or ${first}-${spec.max}/${step})`;
    const from = first === '*' ? spec.min : valueOf(first, spec);
    const to = first === '*' ? spec.max : last === undefined ? from : valueOf(last, spec);
    if (typeof from === 'string') return from;
    if (typeof to === 'string') return to;
    if (from > to) return `the ${spec.name} range ${quote(item)} runs backwards`;
    const by = step === undefined ? 1 : Number(step);
    if (by < 1) return `the ${spec.name} ${quote(item)} steps by 0`;
    for (let value = from; value <= to; value += by) values.add(value);
  }
  return values;
}

function valueOf(text: string, spec: FieldSpec): number | string {
  const named = spec.names?.indexOf(text) ?? -1;
  const value = named >= 0 ? named + (spec.min === 1 ? 1 : 0) : /^\d+$/.test(text) ? Number(text) : undefined;
  if (value === undefined) return `the ${spec.name} ${quote(text)} is not a number${spec.names ? ` or a name (${spec.names[0]}-${spec.names.at(-1)})` : ''}`;
  if (value < spec.min || value > spec.max) return `the ${spec.name} ${value} is outside ${spec.min}-${spec.max}`;
  return value;
}

function quote(text: string): string {
  return `'${text}'`;
}

const DAY_MS = 86_400_000;
/** Far enough for the rarest day a valid expression can name: 29 February, eight years apart across 2100. */
const MAX_DAYS = 8 * 366 + 2;

/** The first instant of the schedule after `after`, in `zone` (throws for an expression parseCron refuses). */
export function nextInstant(cron: string, zone: string, after: Date): Date {
  return search(read(cron), zone, after.getTime(), 1);
}

/** The last instant of the schedule before `before`, in `zone`. */
export function previousInstant(cron: string, zone: string, before: Date): Date {
  return search(read(cron), zone, before.getTime(), -1);
}

function read(expression: string): Cron {
  const cron = parseCron(expression);
  if ('problem' in cron) throw new Error(`not a cron expression: '${expression}': ${cron.problem}`);
  return cron;
}

/**
 * Walks the zone's days from the one `from` falls on (a day early, for a time shifted past midnight); the
 * day after the first with an instant is looked at as well, for the same reason.
 */
function search(cron: Cron, zone: string, from: number, direction: 1 | -1): Date {
  const firstDay = Math.floor(wallClock(from, zone) / DAY_MS) - direction;
  let best: number | undefined;
  let lastDay = MAX_DAYS;
  for (let i = 0; i <= lastDay; i++) {
    for (const instant of instantsOn(cron, zone, firstDay + i * direction)) {
      if ((instant - from) * direction > 0 && (best === undefined || (instant - best) * direction < 0)) best = instant;
    }
    if (best !== undefined && lastDay === MAX_DAYS) lastDay = i + 1;
  }
  if (best === undefined) throw new Error(`the schedule never runs within ${MAX_DAYS} days`);
  return new Date(best);
}

/** The instants of one day of the zone (days counted from 1970-01-01), see Cron.timeOfDay for the clock changes. */
function instantsOn(cron: Cron, zone: string, day: number): number[] {
  const date = new Date(day * DAY_MS);
  const dayOfMonth = cron.daysOfMonth.has(date.getUTCDate());
  const weekday = cron.weekdays.has(date.getUTCDay());
  if (!cron.months.has(date.getUTCMonth() + 1) || !(cron.eitherDay ? dayOfMonth || weekday : dayOfMonth && weekday)) return [];
  const found = new Set<number>();
  for (const hour of cron.hours) {
    for (const minute of cron.minutes) {
      const { instants, shifted } = instantsAt(day * DAY_MS + hour * 3_600_000 + minute * 60_000, zone);
      if (!cron.timeOfDay) for (const instant of instants) found.add(instant);
      else found.add(instants[0] ?? shifted);
    }
  }
  return [...found];
}

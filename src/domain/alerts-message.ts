import type { Alert, Silence } from './alert.ts';
import { approximateDuration } from './duration.ts';
import type { Field, Message } from './message.ts';
import { textMessage } from './message.ts';

/** `/connector alerts`: what fires or waits, which silence holds each back, and every silence in force. */
export function alertsMessage(
  active: ReadonlyArray<{ alert: Alert; silencedBy?: Silence }>,
  silences: readonly Silence[],
  now: Date,
  notFollowed: ReadonlyArray<{ connector: string; source: string; reason: string }> = [],
): Message {
  const blind = notFollowed.map((f) => `${f.connector} (${f.source}): ${f.reason}`);
  const blindLine = blind.length > 0 ? `Logs not followed now, so their errors cannot alert: ${blind.join('; ')}` : undefined;
  if (active.length === 0 && silences.length === 0) {
    const quiet = 'No alert is firing or pending, and no silence is in force.';
    return blindLine ? textMessage(`${quiet}\n${blindLine}`, 'unknown') : textMessage(quiet, 'ok');
  }
  const age = (at: Date) => approximateDuration(Math.max(0, now.getTime() - at.getTime()));
  const fields: Field[] = active.map(({ alert, silencedBy }) => ({
    label: `${alert.connector} · ${alert.id}`,
    value: [
      alert.title,
      alert.state === 'pending' ? `pending for ${age(alert.since)} (fires once it holds)` : `firing for ${age(alert.since)}`,
      alert.kind === 'error-group' ? `${alert.count} errors` : undefined,
      silencedBy ? `silenced until ${silencedBy.endsAt.toISOString()} (${silencedBy.id})` : undefined,
    ]
      .filter(Boolean)
      .join(' · '),
    status: alert.severity,
  }));
  const silenceFields = silencesInForce(silences, now);
  return {
    text: `${active.length} alerts, ${silences.length} silences`,
    blocks: [
      { type: 'header', text: `Alerts · ${active.length} active` },
      ...(fields.length > 0 ? [{ type: 'fields' as const, fields }] : [{ type: 'section' as const, text: 'No alert is firing or pending.' }]),
      { type: 'section', text: silences.length > 0 ? `Silences · ${silences.length}` : 'No silence is in force.' },
      ...(silenceFields.length > 0 ? [{ type: 'fields' as const, fields: silenceFields }] : []),
      ...(blindLine ? [{ type: 'section' as const, text: blindLine, status: 'unknown' as const }] : []),
      { type: 'context', text: '/connector silence <alert id|connector> <1h|24h> [reason] · /connector unsilence <silence id>' },
    ],
  };
}

/**
 * The answer to `/connector subscribe alerts`: what the conversation receives now. The alerts firing now follow as
 * their own messages (the same ones other conversations got, which their updates and resolution change in place),
 * so the answer only counts them; those a silence holds back are named, with every silence in force.
 */
export function alertSubscriptionMessage(
  minSeverity: 'warn' | 'critical',
  firing: { told: readonly Alert[]; held: ReadonlyArray<{ alert: Alert; silencedBy: Silence }>; before: readonly Alert[] },
  silences: readonly Silence[],
  now: Date,
): Message {
  const receives = `This conversation now receives alerts of severity ${minSeverity} and above. /connector unsubscribe alerts stops it.`;
  const count = (n: number) => (n === 1 ? '1 alert' : `${n} alerts`);
  const firingNow = [
    firing.told.length > 0 ? `${count(firing.told.length)} firing now ${firing.told.length === 1 ? 'follows' : 'follow'} here, each as its own message, updated in place until it resolves.` : undefined,
    firing.before.length > 0 ? `${count(firing.before.length)} firing now ${firing.before.length === 1 ? 'was' : 'were'} posted here before.` : undefined,
    firing.held.length > 0 ? `${count(firing.held.length)} firing now ${firing.held.length === 1 ? 'is' : 'are'} held back by a silence, and posted here when it ends:` : undefined,
  ].filter((line): line is string => line !== undefined);
  const held: Field[] = firing.held.map(({ alert, silencedBy }) => ({
    label: `${alert.connector} · ${alert.id}`,
    value: `${alert.title} · silenced until ${silencedBy.endsAt.toISOString()} (${silencedBy.id})`,
    status: alert.severity,
  }));
  const silenceFields = silencesInForce(silences, now);
  return {
    text: receives,
    blocks: [
      { type: 'section', text: receives, status: 'ok' },
      { type: 'section', text: firingNow.length > 0 ? firingNow.join('\n') : 'No alert it receives is firing now.' },
      ...(held.length > 0 ? [{ type: 'fields' as const, fields: held }] : []),
      { type: 'section', text: silences.length > 0 ? `Silences in force · ${silences.length}` : 'No silence is in force.' },
      ...(silenceFields.length > 0 ? [{ type: 'fields' as const, fields: silenceFields }] : []),
    ],
  };
}

function silencesInForce(silences: readonly Silence[], now: Date): Field[] {
  return silences.map((s) => ({
    label: s.id,
    value: [
      s.scope === 'connector' ? `every alert of ${s.target}` : `alert ${s.target}`,
      `until ${s.endsAt.toISOString()} (${approximateDuration(s.endsAt.getTime() - now.getTime())} left)`,
      s.createdBy ? `by ${s.createdBy.displayName || s.createdBy.id}` : 'by the bot, during an operation',
      s.reason,
    ]
      .filter(Boolean)
      .join(' · '),
  }));
}

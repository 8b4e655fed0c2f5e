import type { Alert, Silence } from './alert.ts';
import { approximateDuration } from './duration.ts';
import type { Block, Button, Message } from './message.ts';
import type { CheckStatus } from './status.ts';

export type AlertPhase = 'firing' | 'reminder' | 'resolved';

const KIND_TITLES: Record<Alert['kind'], string> = {
  'error-group': 'errors in the log',
  health: 'health',
  resources: 'resources',
  'key-material': 'key material',
  'image-update': 'new Connector version',
};

/**
 * One alert as a message: what, where, since when, how often; what a known error means and the next step; the
 * buttons that silence it or start the fix. The same message is updated in place as the count grows, when a
 * silence begins or ends (`silencedBy`: it says who silenced it until when, and offers no more silences), and
 * once more when the alert resolves.
 */
export function alertMessage(alert: Alert, phase: AlertPhase, now: Date, timezone: string, silencedBy?: Silence): Message {
  const time = (at: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: timezone, timeStyle: 'short', dateStyle: 'medium' }).format(at);
  const status: CheckStatus = phase === 'resolved' ? 'ok' : alert.severity;
  const prefix = phase === 'resolved' ? 'RESOLVED' : phase === 'reminder' ? 'STILL FIRING' : alert.severity.toUpperCase();
  const headline = `${prefix} · ${alert.connector} · ${KIND_TITLES[alert.kind]}`;
  const blocks: Block[] = [{ type: 'header', text: headline, status }, { type: 'section', text: alert.title, status }];
  if (alert.detail && alert.detail !== alert.title) blocks.push({ type: 'section', text: alert.detail });
  blocks.push({ type: 'fields', fields: facts(alert, phase, now, time) });
  if (alert.hint) blocks.push({ type: 'section', text: `${alert.hint.explanation}\n→ ${alert.hint.nextStep}` });
  const silenced = phase !== 'resolved' && silencedBy;
  if (silenced) {
    const by = silenced.createdBy ? ` by ${silenced.createdBy.displayName}` : '';
    blocks.push({ type: 'section', text: `Silenced${by} until ${time(silenced.endsAt)} (silence ${silenced.id}; /connector unsilence ${silenced.id} ends it).` });
  }
  const buttons = phase === 'resolved' ? [] : actions(alert, !silenced);
  if (buttons.length > 0) blocks.push({ type: 'actions', buttons });
  blocks.push({ type: 'context', text: `alert ${alert.id} · ${phase === 'resolved' ? 'resolved' : 'updated'} ${time(now)} (${timezone})` });
  return { text: `${headline}: ${alert.title}`, blocks };
}

function facts(alert: Alert, phase: AlertPhase, now: Date, time: (at: Date) => string): Array<{ label: string; value: string }> {
  const facts = [{ label: 'since', value: time(alert.since) }];
  if (alert.kind === 'error-group') {
    facts.push({ label: 'errors', value: `${alert.count}${alert.fatal > 0 ? ` (${alert.fatal} FATAL)` : ''}` });
    facts.push({ label: 'last', value: time(alert.lastAt) });
  }
  if (phase === 'resolved' && alert.resolvedAt) {
    facts.push({ label: 'resolved', value: `${time(alert.resolvedAt)}, after ${approximateDuration(alert.resolvedAt.getTime() - alert.since.getTime())}` });
  } else {
    facts.push({ label: 'for', value: approximateDuration(Math.max(0, now.getTime() - alert.since.getTime())) });
  }
  return facts;
}

function actions(alert: Alert, silenceable: boolean): Button[] {
  const fixes: Button[] = [];
  if (alert.kind === 'health') fixes.push({ label: 'Request restart', command: `/connector restart ${alert.connector}` });
  if (alert.kind === 'image-update') fixes.push({ label: 'Request update', command: `/connector update ${alert.connector}` });
  if (alert.kind === 'error-group') fixes.push({ label: 'Details', command: `/connector logs ${alert.connector} --details` });
  if (!silenceable) return fixes;
  return [
    ...fixes,
    { label: 'Silence 1 h', command: `/connector silence ${alert.id} 1h` },
    { label: 'Silence 24 h', command: `/connector silence ${alert.id} 24h` },
  ];
}

import type { AlertEngine } from '../alerts/engine.ts';
import type { FollowStatus } from '../logs/follow.ts';
import type { Silencer } from '../alerts/silencer.ts';
import { alertsMessage } from '../domain/alerts-message.ts';
import type { Alert } from '../domain/alert.ts';
import { findConnector, type Connector } from '../domain/connector.ts';
import { approximateDuration } from '../domain/duration.ts';
import { quoted } from '../domain/inert.ts';
import { textMessage } from '../domain/message.ts';
import { personOf } from '../domain/operation.ts';
import type { ConnectorDirectory } from '../domain/ports.ts';
import type { AlertStore } from '../store/alerts.ts';
import type { SilenceStore } from '../store/silences.ts';
import type { VerbHandler } from './dispatcher.ts';

export interface AlertVerbDependencies {
  engine: Pick<AlertEngine, 'active'>;
  alerts: Pick<AlertStore, 'get'>;
  silences: Pick<SilenceStore, 'active'>;
  silencer: Pick<Silencer, 'silence' | 'unsilence'>;
  directory: ConnectorDirectory;
  /** The followed logs and what each is doing; absent where nothing follows logs (the console alone). */
  followers?: () => ReadonlyArray<{ connector: string; source: string; status: FollowStatus }>;
  now?: () => Date;
}

export function alertsHandler(deps: AlertVerbDependencies): VerbHandler<'alerts'> {
  return async ({ reply }) => {
    const now = deps.now?.() ?? new Date();
    const notFollowed = (deps.followers?.() ?? []).flatMap((f) => (f.status.state === 'waiting' ? [{ connector: f.connector, source: f.source, reason: f.status.reason ?? 'waiting' }] : []));
    await reply.post(alertsMessage(deps.engine.active(now), deps.silences.active(now), now, notFollowed), 'conversation');
  };
}

/** `/connector silence <alert id|connector> <duration> [reason]`: the target must be a known alert or connector. */
export function silenceHandler(deps: AlertVerbDependencies): VerbHandler<'silence'> {
  return async ({ command, request, reply }) => {
    const now = deps.now?.() ?? new Date();
    const { target, durationMs } = command;
    const { connectors } = await deps.directory.list();
    const silenced = silencedBy(target, findConnector(connectors, target), (id) => deps.alerts.get(id));
    if (!silenced) {
      await reply.post(textMessage(`${quoted(target)} is neither a connector nor an alert id. /connector alerts lists the alerts; /connector connectors the connectors.`, 'unknown'), 'private');
      return;
    }
    const { what, ...scope } = silenced;
    const silence = deps.silencer.silence({ ...scope, durationMs, ...(command.reason && { reason: command.reason }), by: personOf(request.actor), now });
    await reply.post(
      textMessage(`Silenced ${what} for ${approximateDuration(durationMs)}, until ${silence.endsAt.toISOString()} (silence ${silence.id}; /connector unsilence ${silence.id} ends it).`, 'ok'),
      'conversation',
    );
  };
}

/** What a silence of `target` holds back: every alert of the connector it names, else the alert of that id; undefined when it names neither. */
function silencedBy(target: string, connector: Connector | undefined, alert: (id: string) => Alert | undefined) {
  if (connector) return { scope: 'connector' as const, target: connector.name, connector: connector.name, what: `every alert of ${connector.name}` };
  const found = alert(target.toLowerCase());
  return found && { scope: 'alert' as const, target: found.id, connector: found.connector, what: `alert ${found.id} (${found.connector}: ${found.title})` };
}

export function unsilenceHandler(deps: AlertVerbDependencies): VerbHandler<'unsilence'> {
  return async ({ command, request, reply }) => {
    const { id } = command;
    const ended = deps.silencer.unsilence(id, personOf(request.actor), deps.now?.() ?? new Date());
    await reply.post(ended ? textMessage(`Silence ${id} ended: its alerts are posted again.`, 'ok') : textMessage(`No silence ${quoted(id)} is in force. /connector alerts lists them.`, 'unknown'), ended ? 'conversation' : 'private');
  };
}

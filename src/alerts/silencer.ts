import type { Silence } from '../domain/alert.ts';
import type { Person } from '../domain/operation.ts';
import type { AuditLog } from '../store/audit-log.ts';
import type { SilenceStore } from '../store/silences.ts';
import type { Store } from '../store/store.ts';
import type { AlertEngine } from './engine.ts';

export interface SilencerOptions {
  store: Store;
  silences: SilenceStore;
  audit: AuditLog;
  engine: Pick<AlertEngine, 'wake' | 'showSilence'>;
  /** An operation's own silence lasts this long after it ends (the hold time and group_wait): its recovery raises nothing. */
  settleMs: number;
}

/** Silences made and ended by people (audited) and by operations under way (a connector's own restart is no alert). */
export class Silencer {
  private readonly options: SilencerOptions;
  /** The silence each running operation holds, by request id. */
  private readonly byOperation = new Map<string, Silence>();

  constructor(options: SilencerOptions) {
    this.options = options;
  }

  silence(input: { scope: Silence['scope']; target: string; connector: string; durationMs: number; reason?: string; by: Person; now: Date }): Silence {
    const { store, silences, audit, engine } = this.options;
    const silence = store.atomic(() => {
      const added = silences.add({
        scope: input.scope,
        target: input.target,
        startsAt: input.now,
        endsAt: new Date(input.now.getTime() + input.durationMs),
        ...(input.reason && { reason: input.reason }),
        createdBy: input.by,
      });
      audit.append({ at: input.now, event: 'silenced', connector: input.connector, actor: input.by, detail: { silence: added.id, scope: added.scope, target: added.target, until: added.endsAt.toISOString(), ...(input.reason && { reason: input.reason }) } });
      engine.showSilence(added, input.now);
      return added;
    });
    return silence;
  }

  /** False when no such silence is in force. */
  unsilence(id: string, by: Person, now: Date): boolean {
    const { store, silences, audit, engine } = this.options;
    const found = silences.active(now).find((s) => s.id === id);
    if (!found) return false;
    store.atomic(() => {
      silences.end(id, now);
      audit.append({ at: now, event: 'unsilenced', ...(found.scope === 'connector' && { connector: found.target }), actor: by, detail: { silence: id, scope: found.scope, target: found.target } });
      engine.showSilence(found, now);
    });
    engine.wake();
    return true;
  }

  /** An operation that restarts the connector begins: its alerts are held back until it ends, at the latest after `maxMs`. */
  operationStarted(requestId: string, connector: string, reason: string, maxMs: number, now: Date): void {
    const silence = this.options.silences.add({ scope: 'connector', target: connector, startsAt: now, endsAt: new Date(now.getTime() + maxMs + this.options.settleMs), reason });
    this.byOperation.set(requestId, silence);
  }

  operationFinished(requestId: string, now: Date): void {
    const silence = this.byOperation.get(requestId);
    if (!silence) return;
    this.byOperation.delete(requestId);
    this.options.silences.shorten(silence.id, new Date(now.getTime() + this.options.settleMs));
    this.options.engine.wake();
  }
}

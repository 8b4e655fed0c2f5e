import { alertId, alertPostKey, silenceOf, type Alert, type AlertKind, type AlertSeverity, type Silence } from '../domain/alert.ts';
import { alertMessage, type AlertPhase } from '../domain/alert-message.ts';
import type { Logger } from '../logging/logger.ts';
import type { AlertStore } from '../store/alerts.ts';
import type { ErrorCounts } from '../store/error-counts.ts';
import type { Outbox, OutboxEntry } from '../store/outbox.ts';
import type { SilenceStore } from '../store/silences.ts';
import type { Store } from '../store/store.ts';
import type { Subscription } from '../store/subscriptions.ts';
import { nextNotification, type AlertTimers } from './timers.ts';
import type { Service } from '../domain/service.ts';

/** Errors of one group read from a connector's log since the last batch. */
export interface ErrorBatch {
  key: string;
  count: number;
  fatal: number;
  /** The first error's message and a few stack lines, redacted. */
  sample: string;
  hint?: Alert['hint'];
}

/** A condition a probe found bad (a health answer, a resources line, an expiry, a new version). */
export interface Condition {
  key: string;
  severity: AlertSeverity;
  title: string;
  detail: string;
  /** Told once and never repeated (a new version). */
  once?: boolean;
}

export interface AlertEngineOptions {
  store: Store;
  alerts: AlertStore;
  silences: SilenceStore;
  errorCounts: ErrorCounts;
  outbox: Outbox;
  /** Every subscription; those receiving alerts, of at least the alert's severity and for its connector, get it. */
  subscriptions: () => readonly Subscription[];
  timers: AlertTimers;
  /** The zone in which posts show times (the report's). */
  timezone: string;
  logger: Logger;
  now?: () => Date;
}

/** The alerts firing now that a conversation receives, by what it is told of them. */
export interface Welcome {
  /** Posted to it by the next tick (one never posted anywhere yet after its group_wait). */
  told: Alert[];
  /** Held back by a silence: posted there once it ends. */
  held: Array<{ alert: Alert; silencedBy: Silence }>;
  /** Already posted there (it subscribed again, or the configuration subscribes it too). */
  before: Alert[];
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { warn: 1, critical: 2 };
/** The longest the engine sleeps: silences made in another process, or ended, are seen within this. */
const MAX_SLEEP_MS = 5_000;
/** Resolved alerts, old hourly counts and ended silences are dropped this often. */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Alerts as Alertmanager handles them, persisted: what the log follower and the probes report becomes an alert
 * per connector and group; the timers decide when it is posted, updated, repeated and resolved; silences hold
 * posts back. Every change of an alert commits together with the posts it queues in the outbox, so a crash
 * neither loses a notification nor makes one twice.
 */
export class AlertEngine implements Service {
  readonly name = 'alert engine';
  private readonly options: AlertEngineOptions;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private prunedAt = 0;
  /** Alerts due for their first post that nobody receives, logged once (an hour) each: they wait for a subscriber. */
  private readonly untold = new Set<string>();

  constructor(options: AlertEngineOptions) {
    this.options = options;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Counts errors of one connector's log. Joins the caller's transaction, so the follower commits its position
   * with the counts: what was read is counted once. Errors while silenced are counted but tell nothing new.
   */
  recordErrors(connector: string, batches: readonly ErrorBatch[], now = this.now()): void {
    if (batches.length === 0) return;
    const { store, alerts, errorCounts } = this.options;
    const silences = this.options.silences.active(now);
    store.atomic(() => {
      for (const batch of batches) {
        const id = alertId(connector, 'error-group', batch.key);
        const existing = alerts.get(id);
        const alert = existing && existing.state !== 'resolved' ? existing : newEpisode(id, connector, 'error-group', batch.key, now, 'firing');
        alert.title = batch.key || '(an error without a message)';
        if (alert.count === 0) alert.detail = batch.sample;
        if (batch.hint) alert.hint = batch.hint;
        alert.count += batch.count;
        alert.fatal += batch.fatal;
        alert.severity = alert.fatal > 0 ? 'critical' : 'warn';
        alert.lastAt = now;
        if (!silenceOf(silences, alert, now)) alert.dirty = true;
        alerts.put(alert);
        errorCounts.add({ connector, key: batch.key, count: batch.count, fatal: batch.fatal, sample: batch.sample }, now);
      }
    });
    this.wake();
  }

  /**
   * One observation of a probe for one connector and kind: `bad` holds every condition found now; an open
   * alert of that kind not among them was seen good. A state fires, and a firing one resolves, only once it
   * held for the hold time: flapping faster than that raises nothing.
   */
  observe(connector: string, kind: AlertKind, bad: readonly Condition[], now = this.now()): void {
    const { store, alerts, timers } = this.options;
    store.atomic(() => {
      const seen = new Set<string>();
      for (const condition of bad) {
        const id = alertId(connector, kind, condition.key);
        seen.add(id);
        const existing = alerts.get(id);
        if (existing?.state === 'resolved' && existing.once) continue;
        const alert = existing && existing.state !== 'resolved' ? existing : newEpisode(id, connector, kind, condition.key, now, 'pending');
        const changed = alert.title !== condition.title || alert.severity !== condition.severity;
        Object.assign(alert, { title: condition.title, detail: condition.detail, severity: condition.severity, once: condition.once === true, lastAt: now });
        alert.count++;
        delete alert.recoveringSince;
        if (alert.state === 'firing' && changed) alert.dirty = true;
        if (alert.state === 'pending' && (alert.once || now.getTime() - alert.since.getTime() >= timers.holdMs)) {
          Object.assign(alert, { state: 'firing', firedAt: now, dirty: true });
        }
        alerts.put(alert);
      }
      for (const alert of alerts.openOf(connector, kind)) {
        if (seen.has(alert.id)) continue;
        if (alert.state === 'pending' || alert.once) {
          this.resolve(alert, now, false);
          continue;
        }
        alert.recoveringSince ??= now;
        if (now.getTime() - alert.recoveringSince.getTime() >= timers.holdMs) this.resolve(alert, now, alert.posts > 0);
        else alerts.put(alert);
      }
    });
    this.wake();
  }

  /**
   * Does what is due: resolves error groups gone quiet, then posts, updates, reminds and tells resolutions whose
   * time has come, unless a silence holds them back. Returns when it should run next.
   */
  tick(now = this.now()): Date {
    const { alerts, timers } = this.options;
    if (now.getTime() - this.prunedAt >= PRUNE_EVERY_MS) this.prune(now);
    const silences = this.options.silences.active(now);
    const subscriptions = this.options.subscriptions();
    let next = now.getTime() + MAX_SLEEP_MS;
    const dueNow: Array<{ id: string; at: number }> = [];
    const joining: string[] = [];
    for (const listed of alerts.open()) {
      let alert = listed;
      if (alert.kind === 'error-group' && alert.state === 'firing') {
        const quietUntil = alert.lastAt.getTime() + timers.resolveMs;
        if (now.getTime() >= quietUntil) alert = this.resolveQuiet(alert.id, now) ?? alert;
        else next = Math.min(next, quietUntil);
      }
      if (this.newReceivers(alert, subscriptions).length > 0 && !silenceOf(silences, alert, now)) joining.push(alert.id);
      const due = nextNotification(alert, timers);
      if (!due) continue;
      if (due.at > now.getTime()) {
        next = Math.min(next, due.at);
        continue;
      }
      if (silenceOf(silences, alert, now)) continue;
      if (due.notification === 'post' && this.receivers(alert, subscriptions).length === 0) {
        this.waitForSubscriber(alert);
        continue;
      }
      dueNow.push({ id: alert.id, at: due.at });
    }
    // In the order they came due, ties by id, not in the store's order (every write reshuffles alerts of one `since`):
    // the platform paces a conversation's posts (Slack one a second), so each alert keeps its place in the queue,
    // and its spacing as the platform sees it, from one group_interval to the next.
    dueNow.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
    for (const { id } of dueNow) this.notify(id, now);
    for (const id of joining) this.join(id, now);
    const silenceEnd = this.options.silences.nextEnd(now);
    if (silenceEnd) next = Math.min(next, silenceEnd.getTime());
    return new Date(Math.max(next, now.getTime() + 10));
  }

  /** Runs `tick` whenever something is due, until `stop`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  /** Something changed: look at once rather than at the next due time. */
  wake(): void {
    if (this.running) this.schedule(0);
  }

  /**
   * A post or update of the alert reached a conversation. group_interval and repeat_interval count from the
   * latest such moment rather than from when it was queued: a platform that paces a channel's posts (Slack, one a
   * second) then still shows no two messages of one alert closer together than group_interval.
   */
  delivered(id: string, at: Date): void {
    const { store, alerts } = this.options;
    store.atomic(() => {
      const alert = alerts.get(id);
      if (!alert || (alert.notifiedAt && alert.notifiedAt >= at)) return;
      alert.notifiedAt = at;
      alerts.put(alert);
    });
  }

  /**
   * What a conversation that receives alerts (it just subscribed) is told of those firing now: each it receives, unless
   * a silence holds it back, is posted there by the next tick, once (see `join`).
   */
  welcome(conversation: string, now = this.now()): Welcome {
    const subscriptions = this.options.subscriptions();
    const silences = this.options.silences.active(now);
    const found: Welcome = { told: [], held: [], before: [] };
    for (const alert of this.options.alerts.open()) {
      if (alert.state !== 'firing' || !this.receivers(alert, subscriptions).includes(conversation)) continue;
      const silencedBy = silenceOf(silences, alert, now);
      if (alert.conversations.includes(conversation)) found.before.push(alert);
      else if (silencedBy) found.held.push({ alert, silencedBy });
      else found.told.push(alert);
    }
    return found;
  }

  /**
   * The posts of the firing alerts a silence names, updated for everyone to say whether a silence holds each back
   * now: as a person's silence begins or ends, within its transaction.
   */
  showSilence(silence: Pick<Silence, 'scope' | 'target'>, now = this.now()): void {
    const { store, alerts, outbox, timezone } = this.options;
    store.atomic(() => {
      const silences = this.options.silences.active(now);
      for (const alert of alerts.open()) {
        const named = silence.scope === 'alert' ? alert.id === silence.target : alert.connector === silence.target;
        if (!named || alert.state !== 'firing' || alert.posts === 0) continue;
        const message = alertMessage(alert, 'firing', now, timezone, silenceOf(silences, alert, now));
        outbox.enqueueMany(alert.conversations.map((conversation) => ({ conversation, message, updateOf: alertPostKey(alert) })));
      }
    });
  }

  /** Alerts pending or firing, and whether a silence holds each back. */
  active(now = this.now()): Array<{ alert: Alert; silencedBy?: Silence }> {
    const silences = this.options.silences.active(now);
    return this.options.alerts
      .open()
      .filter((alert) => alert.state !== 'resolved')
      .map((alert) => {
        const silencedBy = silenceOf(silences, alert, now);
        return silencedBy ? { alert, silencedBy } : { alert };
      });
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.running) return;
      let next: Date;
      try {
        next = this.tick();
      } catch (error) {
        this.options.logger.error({ err: error }, 'alerts: the timers could not run; trying again');
        next = new Date(this.now().getTime() + MAX_SLEEP_MS);
      }
      this.schedule(Math.max(0, next.getTime() - this.now().getTime()));
    }, delayMs);
    this.timer.unref();
  }

  private prune(now: Date): void {
    this.prunedAt = now.getTime();
    this.untold.clear();
    this.options.alerts.prune(now);
    this.options.errorCounts.prune(now);
    this.options.silences.prune(now);
  }

  /**
   * An error group gone quiet, unless another bot on the same store counted a new error meanwhile; returns the
   * alert as it is now.
   */
  private resolveQuiet(id: string, now: Date): Alert | undefined {
    const { store, alerts, timers } = this.options;
    return store.atomic(() => {
      const alert = alerts.get(id);
      if (alert?.state === 'firing' && now.getTime() >= alert.lastAt.getTime() + timers.resolveMs) this.resolve(alert, now, alert.posts > 0);
      return alert;
    });
  }

  private resolve(alert: Alert, now: Date, tell: boolean): void {
    Object.assign(alert, { state: 'resolved', resolvedAt: now, dirty: tell });
    delete alert.recoveringSince;
    this.options.alerts.put(alert);
  }

  /**
   * Tells what is due about one alert. The alert is read again under the store's write lock and the decision
   * made again from what it says then: a second bot on the same DATA_DIR that got there first leaves nothing due.
   */
  private notify(id: string, now: Date): void {
    const { store, alerts, outbox, timers, timezone, logger } = this.options;
    const told = store.atomic(() => {
      const alert = alerts.get(id);
      const due = alert && nextNotification(alert, timers);
      if (!alert || !due || due.at > now.getTime()) return undefined;
      const { notification } = due;
      const phase: AlertPhase = notification === 'resolved' ? 'resolved' : notification === 'reminder' ? 'reminder' : 'firing';
      let entries: OutboxEntry[];
      if (notification === 'post' || notification === 'reminder') {
        const receivers = this.receivers(alert, this.options.subscriptions());
        // A first post nobody receives is not told: the alert stays due, for the first conversation that subscribes.
        if (notification === 'post' && receivers.length === 0) return undefined;
        alert.posts++;
        alert.conversations = receivers;
        const message = alertMessage(alert, phase, now, timezone);
        const key = alertPostKey(alert);
        entries = alert.conversations.map((conversation) => ({ conversation, message, key }));
        if (entries.length === 0) logger.info({ alert: alert.id, connector: alert.connector }, 'alert reminder not posted: no conversation subscribes to alerts of it (/connector subscribe alerts)');
      } else {
        const message = alertMessage(alert, phase, now, timezone);
        const updateOf = alertPostKey(alert);
        entries = alert.conversations.map((conversation) => ({ conversation, message, updateOf }));
      }
      outbox.enqueueMany(entries);
      Object.assign(alert, { dirty: false, notifiedAt: now });
      alerts.put(alert);
      return { alert, notification };
    });
    if (!told) return;
    this.untold.delete(id);
    logger.info({ alert: id, connector: told.alert.connector, kind: told.alert.kind, notification: told.notification, count: told.alert.count }, 'alert told');
  }

  /**
   * Conversations that receive a firing alert already posted elsewhere, but not its newest message (they subscribed
   * since, or a silence held it back from them): each gets that message under its key, so the alert's updates and
   * its resolution reach them too. Read again under the write lock, like `notify`: done once, by one bot.
   */
  private join(id: string, now: Date): void {
    const { store, alerts, outbox, timezone, logger } = this.options;
    const joined = store.atomic(() => {
      const alert = alerts.get(id);
      const silenced = alert && silenceOf(this.options.silences.active(now), alert, now);
      const newcomers = alert && !silenced ? this.newReceivers(alert, this.options.subscriptions()) : [];
      if (!alert || newcomers.length === 0) return undefined;
      const message = alertMessage(alert, 'firing', now, timezone);
      outbox.enqueueMany(newcomers.map((conversation) => ({ conversation, message, key: alertPostKey(alert) })));
      alert.conversations = [...alert.conversations, ...newcomers];
      alerts.put(alert);
      return newcomers;
    });
    if (!joined) return;
    logger.info({ alert: id, conversations: joined }, 'alert told to conversations that receive it since its post');
  }

  /** Those receiving a firing alert told before, that its newest message did not reach. */
  private newReceivers(alert: Alert, subscriptions: readonly Subscription[]): string[] {
    if (alert.state !== 'firing' || alert.posts === 0) return [];
    return this.receivers(alert, subscriptions).filter((conversation) => !alert.conversations.includes(conversation));
  }

  private waitForSubscriber(alert: Alert): void {
    if (this.untold.has(alert.id)) return;
    this.untold.add(alert.id);
    this.options.logger.info(
      { alert: alert.id, connector: alert.connector, kind: alert.kind },
      'alert not told yet: no conversation subscribes to alerts of it; the first that does (/connector subscribe alerts) gets it',
    );
  }

  private receivers(alert: Alert, subscriptions: readonly Subscription[]): string[] {
    const wanted = subscriptions
      .filter((s) => s.receives.includes('alerts') && SEVERITY_RANK[alert.severity] >= SEVERITY_RANK[s.minSeverity])
      .filter((s) => s.connectors.length === 0 || s.connectors.includes(alert.connector));
    return [...new Set(wanted.map((s) => s.conversation))];
  }
}

function newEpisode(id: string, connector: string, kind: AlertKind, key: string, now: Date, state: 'pending' | 'firing'): Alert {
  return {
    id,
    connector,
    kind,
    key,
    severity: 'warn',
    title: key,
    detail: '',
    state,
    count: 0,
    fatal: 0,
    since: now,
    lastAt: now,
    ...(state === 'firing' && { firedAt: now }),
    dirty: false,
    posts: 0,
    conversations: [],
    once: false,
  };
}

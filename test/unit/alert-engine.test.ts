import { beforeEach, describe, expect, it } from 'vitest';
import { AlertEngine, type AlertEngineOptions, type Condition } from '../../src/alerts/engine.ts';
import { Silencer } from '../../src/alerts/silencer.ts';
import { alertIdOfPostKey } from '../../src/domain/alert.ts';
import { AuditLog } from '../../src/store/audit-log.ts';
import type { AlertTimers } from '../../src/alerts/timers.ts';
import { AlertStore } from '../../src/store/alerts.ts';
import { ErrorCounts } from '../../src/store/error-counts.ts';
import { Outbox } from '../../src/store/outbox.ts';
import { SilenceStore } from '../../src/store/silences.ts';
import { Store } from '../../src/store/store.ts';
import type { Subscription } from '../../src/store/subscriptions.ts';
import { capturingLogger, silentLogger } from '../support/builders.ts';

const T0 = new Date('2026-12-01T09:00:00Z').getTime();
const S = 1000;
const TIMERS: AlertTimers = { groupWaitMs: 30 * S, groupIntervalMs: 300 * S, repeatIntervalMs: 4 * 3600 * S, resolveMs: 900 * S, holdMs: 120 * S };
const at = (seconds: number) => new Date(T0 + seconds * S);
const OPS: Subscription = { conversation: 'slack:COPS', receives: ['alerts'], minSeverity: 'warn', connectors: [] };
const PAGER: Subscription = { conversation: 'slack:CPAGER', receives: ['alerts'], minSeverity: 'critical', connectors: [] };
const REPORTS: Subscription = { conversation: 'slack:CREPORTS', receives: ['reports'], minSeverity: 'warn', connectors: [] };
const UNHEALTHY: Condition = { key: 'health', severity: 'critical', title: 'unhealthy: backboneConnection', detail: '/health says unhealthy' };

function setup(subscriptions: Subscription[] = [OPS, REPORTS], timers: AlertTimers = TIMERS) {
  const store = Store.open(':memory:');
  const outbox = new Outbox(store, () => new Date(T0));
  const silences = new SilenceStore(store);
  const options: AlertEngineOptions = {
    store,
    alerts: new AlertStore(store),
    silences,
    errorCounts: new ErrorCounts(store),
    outbox,
    subscriptions: () => subscriptions,
    timers,
    timezone: 'UTC',
    logger: silentLogger(),
  };
  const engine = new AlertEngine(options);
  /** Everything queued so far, in order: ids count up from 1 in a fresh store, and nothing here is pruned. */
  const queued = () => {
    const items = [];
    for (let id = 1, item = outbox.get(id); item; item = outbox.get(++id)) {
      items.push({ conversation: item.conversation, kind: item.key ? 'post' : 'update', ref: item.key ?? item.updateOf, text: item.message.text, message: JSON.stringify(item.message) });
    }
    return items;
  };
  return { store, engine, silences, queued, options };
}

const ERRORS = (count: number, fatal = 0) => [{ key: 'Sync failed: <n>', count, fatal, sample: 'Sync failed: 42\n    at sync (sync.js:1:1)' }];

describe('the alert engine', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  it('posts an error group once group_wait has passed, to the conversations subscribed to alerts only', () => {
    t.engine.recordErrors('main', ERRORS(3), at(0));
    t.engine.tick(at(29));
    expect(t.queued()).toEqual([]);
    t.engine.tick(at(30));
    const posts = t.queued();
    expect(posts.map((p) => [p.conversation, p.kind])).toEqual([['slack:COPS', 'post']]);
    expect(posts[0]!.message).toContain('"errors","value":"3"');
    expect(posts[0]!.text).toContain('WARN · main · errors in the log');
  });

  it('updates the same message with the new count, at most once per group_interval, and resolves it after the quiet period', () => {
    t.engine.recordErrors('main', ERRORS(3), at(0));
    t.engine.tick(at(30));
    t.engine.recordErrors('main', ERRORS(5), at(40));
    t.engine.recordErrors('main', ERRORS(2), at(100));
    t.engine.tick(at(200));
    expect(t.queued()).toHaveLength(1);
    t.engine.tick(at(330));
    const [post, update] = t.queued();
    expect(update).toMatchObject({ conversation: 'slack:COPS', kind: 'update', ref: post!.ref });
    expect(update!.message).toContain('"errors","value":"10"');
    // No error since 100 s: resolved at 100 + 900 s, told no sooner than one group_interval after the update.
    t.engine.tick(at(999));
    expect(t.queued()).toHaveLength(2);
    t.engine.tick(at(1000));
    const resolved = t.queued()[2]!;
    expect(resolved).toMatchObject({ kind: 'update', ref: post!.ref });
    expect(resolved.text).toContain('RESOLVED');
  });

  it('makes FATAL errors critical: a conversation subscribed from critical gets only those', () => {
    t = setup([OPS, PAGER]);
    t.engine.recordErrors('main', ERRORS(1), at(0));
    t.engine.recordErrors('main', [{ key: 'Could not connect to the configured database', count: 1, fatal: 1, sample: 'Could not connect to the configured database' }], at(0));
    t.engine.tick(at(30));
    expect(t.queued().map((p) => `${p.conversation} ${p.text.split(':')[0]}`).sort()).toEqual([
      'slack:COPS CRITICAL · main · errors in the log',
      'slack:COPS WARN · main · errors in the log',
      'slack:CPAGER CRITICAL · main · errors in the log',
    ]);
  });

  it('raises nothing for health flapping faster than the hold time', () => {
    for (let s = 0; s < 1200; s += 60) {
      t.engine.observe('main', 'health', s % 120 === 0 ? [UNHEALTHY] : [], at(s));
      t.engine.tick(at(s));
    }
    expect(t.queued()).toEqual([]);
    expect(t.engine.active(at(1200))).toEqual([]);
  });

  it('fires health held for the hold time, with a restart button, and resolves it once recovery held as long', () => {
    t.engine.observe('main', 'health', [UNHEALTHY], at(0));
    t.engine.observe('main', 'health', [UNHEALTHY], at(60));
    t.engine.tick(at(60));
    expect(t.engine.active(at(60))[0]!.alert.state).toBe('pending');
    t.engine.observe('main', 'health', [UNHEALTHY], at(120));
    t.engine.tick(at(149));
    expect(t.queued()).toEqual([]);
    t.engine.tick(at(150));
    const [post] = t.queued();
    expect(post!.message).toContain('/connector restart main');
    expect(post!.text).toContain('CRITICAL · main · health: unhealthy: backboneConnection');
    t.engine.observe('main', 'health', [], at(500));
    t.engine.observe('main', 'health', [UNHEALTHY], at(560));
    t.engine.observe('main', 'health', [], at(620));
    t.engine.tick(at(700));
    expect(t.queued()).toHaveLength(1);
    t.engine.observe('main', 'health', [], at(740));
    t.engine.tick(at(740));
    expect(t.queued()[1]).toMatchObject({ kind: 'update', ref: post!.ref });
    expect(t.queued()[1]!.text).toContain('RESOLVED');
  });

  it('posts nothing for an alert resolved before group_wait ends', () => {
    t = setup([OPS], { ...TIMERS, holdMs: 0 });
    t.engine.observe('main', 'health', [UNHEALTHY], at(0));
    t.engine.observe('main', 'health', [], at(10));
    t.engine.tick(at(31));
    expect(t.queued()).toEqual([]);
  });

  it('reminds of an alert still firing without change after repeat_interval, as a new post that later updates change', () => {
    t.engine.recordErrors('main', ERRORS(1), at(0));
    t.engine.tick(at(30));
    for (let s = 600; s <= 4 * 3600 + 30; s += 600) {
      t.engine.recordErrors('main', ERRORS(1), at(s - 1));
      t.engine.tick(at(s));
    }
    const kinds = t.queued().map((p) => p.kind);
    expect(kinds[0]).toBe('post');
    expect(kinds.filter((k) => k === 'post')).toHaveLength(1);
    // Nothing new for repeat_interval: a reminder.
    const quiet = setup();
    quiet.engine.observe('main', 'health', [UNHEALTHY], at(0));
    quiet.engine.observe('main', 'health', [UNHEALTHY], at(120));
    quiet.engine.tick(at(150));
    quiet.engine.observe('main', 'health', [UNHEALTHY], at(4 * 3600 + 100));
    quiet.engine.tick(at(4 * 3600 + 150));
    const reminder = quiet.queued()[1]!;
    expect(reminder).toMatchObject({ kind: 'post' });
    expect(reminder.ref).not.toBe(quiet.queued()[0]!.ref);
    expect(reminder.text).toContain('STILL FIRING');
  });

  it('holds posts back while a silence lasts; errors only within the silence are never posted', () => {
    t.silences.add({ scope: 'connector', target: 'main', startsAt: at(0), endsAt: at(3600) });
    t.engine.recordErrors('main', ERRORS(4), at(10));
    t.engine.tick(at(100));
    t.engine.tick(at(3700));
    expect(t.queued()).toEqual([]);
    t.engine.recordErrors('main', ERRORS(1), at(3800));
    t.engine.tick(at(3830));
    // The silenced errors' episode went quiet (and ended, untold) long before: this is a new one.
    expect(t.queued()).toHaveLength(1);
    expect(t.queued()[0]!.message).toContain('"errors","value":"1"');
  });

  it('silences one alert by its id, not the others of the connector', () => {
    t.engine.recordErrors('main', ERRORS(1), at(0));
    t.engine.recordErrors('main', [{ key: 'Other', count: 1, fatal: 0, sample: 'Other' }], at(0));
    const silenced = t.engine.active(at(0)).find((a) => a.alert.key === 'Other')!.alert;
    t.silences.add({ scope: 'alert', target: silenced.id, startsAt: at(0), endsAt: at(3600) });
    t.engine.tick(at(30));
    expect(t.queued().map((p) => p.text)).toEqual([expect.stringContaining('Sync failed')]);
    expect(t.engine.active(at(30)).find((a) => a.alert.id === silenced.id)!.silencedBy?.target).toBe(silenced.id);
  });

  it('tells a new version once, never again for that version', () => {
    const version: Condition = { key: 'update 7.4.6 → 7.4.7', severity: 'warn', title: '7.4.6 → 7.4.7 available', detail: '', once: true };
    t.engine.observe('main', 'image-update', [version], at(0));
    t.engine.tick(at(30));
    t.engine.observe('main', 'image-update', [version], at(3600));
    t.engine.tick(at(5 * 3600));
    t.engine.observe('main', 'image-update', [version], at(6 * 3600));
    t.engine.tick(at(6 * 3600 + 30));
    expect(t.queued().map((p) => p.kind)).toEqual(['post']);
  });

  it('keeps its state in the store: another engine on the same file goes on where it stood', () => {
    t.engine.recordErrors('main', ERRORS(2), at(0));
    t.engine.tick(at(30));
    const again = new AlertEngine({
      store: t.store,
      alerts: new AlertStore(t.store),
      silences: t.silences,
      errorCounts: new ErrorCounts(t.store),
      outbox: new Outbox(t.store),
      subscriptions: () => [OPS],
      timers: TIMERS,
      timezone: 'UTC',
      logger: silentLogger(),
    });
    again.tick(at(31));
    expect(t.queued()).toHaveLength(1);
    again.recordErrors('main', ERRORS(1), at(60));
    again.tick(at(330));
    expect(t.queued()[1]).toMatchObject({ kind: 'update', ref: t.queued()[0]!.ref });
  });

  it("holds back what a connector's own restart raises: silenced while the operation runs and for the hold time after it", () => {
    const silencer = new Silencer({ store: t.store, silences: t.silences, audit: new AuditLog(t.store), engine: t.engine, settleMs: TIMERS.holdMs + TIMERS.groupWaitMs });
    silencer.operationStarted('r1', 'main', 'restart r1 under way', 600 * S, at(0));
    t.engine.recordErrors('main', [{ key: 'Could not connect to the configured database', count: 1, fatal: 0, sample: '' }], at(5));
    for (let s = 0; s <= 200; s += 20) t.engine.observe('main', 'health', s < 180 ? [UNHEALTHY] : [], at(s));
    t.engine.tick(at(200));
    silencer.operationFinished('r1', at(200));
    for (let s = 220; s <= 400; s += 20) t.engine.observe('main', 'health', [], at(s));
    t.engine.tick(at(400));
    t.engine.tick(at(1000));
    expect(t.queued()).toEqual([]);
    // Still unhealthy once the silence is over: that is told.
    silencer.operationStarted('r2', 'main', 'restart r2 under way', 600 * S, at(2000));
    for (let s = 2000; s <= 2400; s += 20) t.engine.observe('main', 'health', [UNHEALTHY], at(s));
    silencer.operationFinished('r2', at(2200));
    t.engine.tick(at(2200 + 149));
    expect(t.queued()).toEqual([]);
    t.engine.tick(at(2200 + 150));
    expect(t.queued().map((p) => p.text)).toEqual([expect.stringContaining('CRITICAL · main · health')]);
  });

  it("a person's silence updates the alert's message for everyone (who, until when, no more Silence buttons), and its end updates it back", () => {
    const silencer = new Silencer({ store: t.store, silences: t.silences, audit: new AuditLog(t.store), engine: t.engine, settleMs: TIMERS.holdMs + TIMERS.groupWaitMs });
    t.engine.recordErrors('main', ERRORS(3), at(0));
    t.engine.tick(at(30));
    const [post] = t.queued();
    expect(post!.message).toContain('Silence 1 h');
    const alert = t.engine.active(at(40))[0]!.alert;
    const silence = silencer.silence({ scope: 'alert', target: alert.id, connector: 'main', durationMs: 3600 * S, by: { platform: 'teams', id: 'ada', displayName: 'Ada Lovelace' }, now: at(40) });
    const silenced = t.queued()[1]!;
    expect(silenced).toMatchObject({ conversation: 'slack:COPS', kind: 'update', ref: post!.ref });
    expect(silenced.message).toContain(`Silenced by Ada Lovelace until 1 Dec 2026, 10:00 (silence ${silence.id}`);
    expect(silenced.message).not.toContain('Silence 1 h');
    expect(silencer.unsilence(silence.id, { platform: 'teams', id: 'ada', displayName: 'Ada Lovelace' }, at(50))).toBe(true);
    const ended = t.queued()[2]!;
    expect(ended).toMatchObject({ kind: 'update', ref: post!.ref });
    expect(ended.message).not.toContain('Silenced by');
    expect(ended.message).toContain('Silence 1 h');
  });

  it('drops what is over: resolved alerts and hourly counts older than 8 days, silences ended 30 days ago', () => {
    t.engine.recordErrors('main', ERRORS(2), at(0));
    t.silences.add({ scope: 'connector', target: 'main', startsAt: at(0), endsAt: at(60) });
    t.engine.tick(at(1000));
    const count = (table: string) => (t.store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect([count('alerts'), count('error_counts'), count('silences')]).toEqual([1, 1, 1]);
    // A fresh engine prunes on its first tick.
    const later = new AlertEngine(t.options);
    later.tick(at(31 * 86_400));
    expect([count('alerts'), count('error_counts'), count('silences')]).toEqual([0, 0, 0]);
  });

  it('tells an alert once when two bots on one store tick at the same moment (each decides again under the write lock)', () => {
    t.engine.recordErrors('main', ERRORS(2), at(0));
    const stale = new AlertStore(t.store).open();
    const racing = new AlertStore(t.store);
    // The second bot read the open alerts before the first one told about them.
    racing.open = () => stale;
    const second = new AlertEngine({ ...t.options, alerts: racing });
    t.engine.tick(at(30));
    second.tick(at(30));
    expect(t.queued()).toHaveLength(1);
  });

  it('counts group_interval from when the post reached the platform, not from when it was queued', () => {
    t.engine.recordErrors('main', ERRORS(1), at(0));
    t.engine.tick(at(30));
    const [post] = t.queued();
    // The channel's queue held it back 15 s (Slack paces a channel's posts).
    t.engine.delivered(alertIdOfPostKey(post!.ref!)!, at(45));
    t.engine.delivered(alertIdOfPostKey(post!.ref!)!, at(40));
    t.engine.recordErrors('main', ERRORS(1), at(100));
    t.engine.tick(at(344));
    expect(t.queued()).toHaveLength(1);
    t.engine.tick(at(345));
    expect(t.queued()[1]).toMatchObject({ kind: 'update', ref: post!.ref });
  });
});

describe('alerts and conversations that subscribe later', () => {
  const NEW_VERSION: Condition = { key: '7.5.0', severity: 'warn', title: 'Connector 7.5.0 is available (running 7.4.6)', detail: '', once: true };
  const DEV: Subscription = { conversation: 'slack:CDEV', receives: ['alerts'], minSeverity: 'warn', connectors: [] };

  it('an alert raised before any subscription is not told to nobody: the first conversation that subscribes gets it, once, and its timers count from that post', () => {
    const subscriptions: Subscription[] = [];
    const { logger, records } = capturingLogger();
    const t = setup(subscriptions);
    const engine = new AlertEngine({ ...t.options, logger });
    // A new Connector version, seen two seconds after the start.
    engine.observe('main', 'image-update', [NEW_VERSION], at(2));
    engine.recordErrors('main', ERRORS(2), at(2));
    for (let s = 40; s <= 600; s += 40) engine.tick(at(s));
    expect(t.queued()).toEqual([]);
    expect(engine.active(at(600)).map(({ alert }) => alert.posts)).toEqual([0, 0]);
    // Said once per alert, not at every tick.
    expect(records.filter((r) => String(r.msg).startsWith('alert not told yet'))).toHaveLength(2);

    subscriptions.push(OPS);
    engine.tick(at(700));
    expect(t.queued().map((p) => [p.conversation, p.kind, p.text.split(':')[0]]).sort()).toEqual([
      ['slack:COPS', 'post', 'WARN · main · errors in the log'],
      ['slack:COPS', 'post', 'WARN · main · new Connector version'],
    ]);
    engine.tick(at(701));
    expect(t.queued()).toHaveLength(2);
    // group_interval counts from the post at 700, not from when the alert fired.
    engine.recordErrors('main', ERRORS(1), at(710));
    engine.tick(at(999));
    expect(t.queued()).toHaveLength(2);
    engine.tick(at(1000));
    expect(t.queued()[2]).toMatchObject({ conversation: 'slack:COPS', kind: 'update' });
  });

  it('a conversation that subscribes after an alert was posted elsewhere gets its message once, then its updates and its resolution', () => {
    const subscriptions: Subscription[] = [OPS];
    const t = setup(subscriptions);
    t.engine.recordErrors('main', ERRORS(3), at(0));
    t.engine.tick(at(30));
    subscriptions.push(DEV);
    t.engine.tick(at(40));
    t.engine.tick(at(41));
    const [first, joined] = t.queued();
    expect(joined).toMatchObject({ conversation: 'slack:CDEV', kind: 'post', ref: first!.ref });
    expect(joined!.message).toContain('"errors","value":"3"');
    expect(t.queued()).toHaveLength(2);
    t.engine.recordErrors('main', ERRORS(2), at(50));
    t.engine.tick(at(330));
    t.engine.tick(at(50 + 900));
    expect(t.queued().slice(2).map((p) => [p.conversation, p.kind, p.ref, p.text.startsWith('RESOLVED')])).toEqual([
      ['slack:COPS', 'update', first!.ref, false],
      ['slack:CDEV', 'update', first!.ref, false],
      ['slack:COPS', 'update', first!.ref, true],
      ['slack:CDEV', 'update', first!.ref, true],
    ]);
  });

  it('a silence holds back what a new subscriber would get until it ends; an alert turned critical reaches a conversation from critical at once', () => {
    const subscriptions: Subscription[] = [OPS, PAGER];
    const t = setup(subscriptions);
    t.engine.recordErrors('main', ERRORS(1), at(0));
    t.engine.tick(at(30));
    t.silences.add({ scope: 'connector', target: 'main', startsAt: at(35), endsAt: at(600) });
    subscriptions.push(DEV);
    t.engine.tick(at(40));
    t.engine.tick(at(599));
    expect(t.queued().map((p) => p.conversation)).toEqual(['slack:COPS']);
    t.engine.tick(at(600));
    expect(t.queued().map((p) => [p.conversation, p.kind])).toEqual([['slack:COPS', 'post'], ['slack:CDEV', 'post']]);

    t.engine.recordErrors('main', [{ key: 'Sync failed: <n>', count: 1, fatal: 1, sample: 'FATAL' }], at(700));
    t.engine.tick(at(600 + 300));
    expect(t.queued().slice(2).map((p) => [p.conversation, p.kind, p.text.split(':')[0]])).toEqual([
      ['slack:COPS', 'update', 'CRITICAL · main · errors in the log'],
      ['slack:CDEV', 'update', 'CRITICAL · main · errors in the log'],
      ['slack:CPAGER', 'post', 'CRITICAL · main · errors in the log'],
    ]);
  });
});

import { Writable } from 'node:stream';
import pino from 'pino';
import { ConfigError } from '../../src/config/errors.ts';
import { loadConfig } from '../../src/config/load.ts';
import Docker from 'dockerode';
import { createDockerClient, modemOptions, type DockerClient } from '../../src/integrations/docker/client.ts';
import type { Connector } from '../../src/domain/connector.ts';
import type { Block, Button, Message } from '../../src/domain/message.ts';
import type { ConnectorDirectory, ReportRunner } from '../../src/domain/ports.ts';
import type { PostedMessage, ReplyPort, Visibility } from '../../src/domain/reply.ts';
import { conversationKey, type Actor, type ChatRequest, type Conversation } from '../../src/domain/request.ts';
import { ConfiguredAccess, type AccessSettings } from '../../src/domain/access.ts';
import { OPERATION_KINDS, type ContainerCondition, type OperationKind, type OperationRequest } from '../../src/domain/operation.ts';
import type { ExecutionResult, OperationKindSpec } from '../../src/operations/executor.ts';
import { OperationService } from '../../src/operations/service.ts';
import { AuditLog } from '../../src/store/audit-log.ts';
import { OperationRequests } from '../../src/store/operation-requests.ts';
import { Store } from '../../src/store/store.ts';
import { Subscriptions, type Subscription } from '../../src/store/subscriptions.ts';
import { Outbox } from '../../src/store/outbox.ts';
import { OutboxWorker } from '../../src/delivery/outbox-worker.ts';
import { parseConversation } from '../../src/delivery/transport.ts';
import { RequestPosts } from '../../src/operations/request-posts.ts';
import type { ExecutorIdentity } from '../../src/operations/executor-identity.ts';
import { MemoryTransport } from './memory-transport.ts';
import { ErrorLogsCheck } from '../../src/checks/error-logs/check.ts';
import type { ErrorLogsOptions } from '../../src/checks/error-logs/report.ts';
import type { ScanReaders } from '../../src/checks/error-logs/scan.ts';
import { LocalLogScanner } from '../../src/checks/error-logs/scanner.ts';
import type { Redactor } from '../../src/logging/redact.ts';
import type { TestDockerEngine } from './requirements.ts';
import { createAlerting } from '../../src/alerts/alerting.ts';
import { DEFAULT_ENGINE, type AlertSettings, type EngineSettings } from '../../src/config/config.ts';
import type { AlertVerbDependencies } from '../../src/request/alert-verbs.ts';
import type { NotificationVerbDependencies } from '../../src/request/notification-verbs.ts';
import type { AccessPolicy } from '../../src/domain/roles.ts';
import type { Logger } from '../../src/logging/logger.ts';
import { createDispatcher } from '../../src/request/create-dispatcher.ts';
import type { Dispatcher } from '../../src/request/dispatcher.ts';

/** Shared builders: a new required field costs one edit here, not one per test. */

export function aConnector(name = 'main', extra: Partial<Connector> = {}): Connector {
  return { name, apiKeyHeader: 'X-API-KEY', logFiles: [], source: 'config', ...extra };
}

export const SLACK_ACTOR: Actor = { platform: 'slack', id: 'U0123ABCD', displayName: 'Ada' };
export const SLACK_CHANNEL: Conversation = { platform: 'slack', id: 'C0123ABCD', private: false };

let requests = 0;
export function aRequest(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    id: `test-request-${++requests}`,
    text,
    actor: SLACK_ACTOR,
    conversation: SLACK_CHANNEL,
    origin: 'typed',
    receivedAt: new Date('2026-12-01T09:00:00Z'),
    ...extra,
  };
}

export type ReplyEvent =
  | { kind: 'acknowledge' }
  | { kind: 'post'; message: Message; visibility: Visibility; id: string }
  | { kind: 'update'; message: Message; id: string }
  | { kind: 'thread'; message: Message; parent: string; id: string };

/** A reply port that records what a handler did with it, in order. */
export class RecordingReply implements ReplyPort {
  readonly events: ReplyEvent[] = [];
  private posts = 0;
  private readonly platform: { transport: MemoryTransport; conversationId: string } | undefined;

  /** With a platform, posts to the conversation land there too (with its refs), where the outbox finds them. */
  constructor(platform?: { transport: MemoryTransport; conversationId: string }) {
    this.platform = platform;
  }

  async acknowledge(): Promise<void> {
    this.events.push({ kind: 'acknowledge' });
  }

  async post(message: Message, visibility: Visibility): Promise<PostedMessage> {
    const id = this.platform && visibility === 'conversation' ? (await this.platform.transport.post(this.platform.conversationId, message)).ref : `m${++this.posts}`;
    this.events.push({ kind: 'post', message, visibility, id });
    return { id };
  }

  async update(posted: PostedMessage, message: Message): Promise<void> {
    this.events.push({ kind: 'update', message, id: posted.id });
  }

  async replyInThread(posted: PostedMessage, message: Message): Promise<PostedMessage> {
    const id = `m${++this.posts}`;
    this.events.push({ kind: 'thread', message, parent: posted.id, id });
    return { id };
  }

  /** What the person sees last: the newest post or update. */
  get last(): Message {
    const shown = this.events.filter((e) => e.kind !== 'acknowledge');
    const event = shown.at(-1);
    if (!event || !('message' in event)) throw new Error('nothing was posted');
    return event.message;
  }

  get kinds(): string[] {
    return this.events.map((e) => (e.kind === 'post' ? `post:${e.visibility}` : e.kind));
  }
}

/** A logger whose records the test can read. */
export function capturingLogger(): { logger: Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), records };
}

/** The problems loadConfig names for an environment; none when it loads. */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** The access settings of a bot configured with none: the console may do everything, chat may only look. */
export const NO_ACCESS_SETTINGS: AccessSettings = { viewers: [], operators: [], approvers: [], operationChannels: [], allowSelfApproval: false };

export interface TestDispatcher {
  dispatcher: Dispatcher;
  counted: Array<{ verb: string; platform: string }>;
  /** Sends the text as a request and returns what was replied. */
  ask(text: string, extra?: Partial<ChatRequest>): Promise<RecordingReply>;
}

/** The real request path (middleware, verb table) over the given directory and runner. */
export function testDispatcher(
  directory: ConnectorDirectory,
  runner: ReportRunner,
  options: {
    policy?: AccessPolicy;
    progressAfterMs?: number;
    logger?: Logger;
    operations?: OperationService;
    notifications?: NotificationVerbDependencies;
    alerts?: AlertVerbDependencies;
    /** The chat platforms replies go to (testOperations' `platforms`), by platform name. */
    platforms?: ReadonlyMap<string, MemoryTransport>;
    store?: Store;
  } = {},
): TestDispatcher {
  const counted: Array<{ verb: string; platform: string }> = [];
  const dispatcher = createDispatcher({
    directory,
    runner,
    operations: options.operations ?? testOperations().service,
    notifications: options.notifications ?? testNotifications(),
    alerts: options.alerts ?? testAlerts(directory).verbs,
    policy: options.policy ?? new ConfiguredAccess(NO_ACCESS_SETTINGS),
    store: options.store ?? Store.open(':memory:'),
    logger: options.logger ?? silentLogger(),
    countRequest: (verb, platform) => counted.push({ verb, platform }),
    ...(options.progressAfterMs !== undefined && { progressAfterMs: options.progressAfterMs }),
  });
  return {
    dispatcher,
    counted,
    ask: async (text, extra) => {
      const conversation = extra?.conversation ?? SLACK_CHANNEL;
      const transport = options.platforms?.get(conversation.platform);
      const reply = new RecordingReply(transport && { transport, conversationId: parseConversation(conversationKey(conversation)).id });
      await dispatcher.dispatch(aRequest(text, extra), reply);
      return reply;
    },
  };
}

/** An operation kind that runs in memory: it records what it was asked and answers as told. */
export function memoryKind(kind: OperationKind, result: ExecutionResult = { ok: true, summary: 'done', details: [] }) {
  const executed: OperationRequest[] = [];
  const spec: OperationKindSpec = {
    kind,
    danger: kind !== 'backup',
    timeoutMs: 5_000,
    target: (connector) => ({ ok: true, connector }),
    plan: async (connector, asked) => ({ ok: true, params: { ...asked, shown: { lines: [`Connector: ${connector.name}`] } }, lines: [`Connector: ${connector.name}`] }),
    execute: async ({ request, progress }) => {
      executed.push(request);
      await progress(`${kind} step 1`);
      return result;
    },
  };
  return { spec, executed };
}

/** A connector's container as the engine shows it, for the announcement of an interrupted run. */
export const RUNNING: ContainerCondition = { state: 'running', text: 'running for 2 min, health check healthy' };

/**
 * The real operation service over an in-memory store, with the given kinds (each in memory unless given), and
 * the outbox its posts go through to two platforms in memory (`slack`, `console`): `deliver()` sends what is queued.
 */
export function testOperations(
  kinds: OperationKindSpec[] = [],
  access: AccessSettings = NO_ACCESS_SETTINGS,
  options: { condition?: () => ContainerCondition; self?: ExecutorIdentity; now?: () => Date; store?: Store; platforms?: Map<string, MemoryTransport> } = {},
) {
  const store = options.store ?? Store.open(':memory:');
  const audit = new AuditLog(store);
  const requests = new OperationRequests(store, audit);
  const byKind = new Map<OperationKind, OperationKindSpec>(OPERATION_KINDS.map((kind) => [kind, memoryKind(kind).spec]));
  for (const spec of kinds) byKind.set(spec.kind, spec);
  const policy = new ConfiguredAccess(access);
  const outbox = new Outbox(store, options.now);
  const platforms = options.platforms ?? new Map(['slack', 'console'].map((platform) => [platform, new MemoryTransport(platform)]));
  const worker = new OutboxWorker({ outbox, transports: platforms, logger: silentLogger(), ...(options.now && { now: options.now }) });
  const service = new OperationService({
    requests,
    audit,
    kinds: byKind,
    posts: new RequestPosts(outbox, (kind) => byKind.get(kind)!.danger),
    conditionOf: async () => options.condition?.() ?? RUNNING,
    maySelfApprove: (actor) => policy.maySelfApprove(actor),
    approvalTimeoutMs: 30 * 60_000,
    logger: silentLogger(),
    ...(options.now && { now: options.now }),
    ...(options.self && { self: options.self }),
  });
  /** Delivers what the outbox holds; then `platforms` show what people see. */
  const deliver = () => worker.flush();
  return { service, store, audit, requests, policy, outbox, platforms, deliver };
}

/** Subscriptions over an in-memory store, with a schedule that says when it is next due. */
export function testNotifications(next?: Date): NotificationVerbDependencies {
  return { subscriptions: new Subscriptions(Store.open(':memory:'), []), nextReport: () => next, timezone: 'Europe/Berlin' };
}

export const TEST_ALERT_SETTINGS: AlertSettings = {
  groupWaitMs: 30_000,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 14_400_000,
  resolveMs: 900_000,
  holdMs: 120_000,
  probeIntervalMs: 60_000,
  slowChecksIntervalMs: 3_600_000,
  followLogs: false,
};

/**
 * The real alert engine and silences over an in-memory store, and the verbs' view of them: the alert verbs', and
 * the subscription verbs' over the same store (`subscriptions` are those of the configuration; chat adds to them).
 */
export function testAlerts(directory: ConnectorDirectory, subscriptions: Subscription[] = [], now?: () => Date) {
  const store = Store.open(':memory:');
  const audit = new AuditLog(store);
  const outbox = new Outbox(store);
  const subscribed = new Subscriptions(store, subscriptions);
  const alerting = createAlerting({ store, outbox, audit, subscriptions: () => subscribed.all(), settings: TEST_ALERT_SETTINGS, timezone: 'UTC', logger: silentLogger(), ...(now && { now }) });
  const verbs: AlertVerbDependencies = { engine: alerting.engine, alerts: alerting.alerts, silences: alerting.silences, silencer: alerting.silencer, directory, ...(now && { now }) };
  const notifications: NotificationVerbDependencies = {
    subscriptions: subscribed,
    alerts: { engine: alerting.engine, silences: alerting.silences },
    nextReport: () => undefined,
    timezone: 'UTC',
    ...(now && { now }),
  };
  return { ...alerting, store, audit, outbox, verbs, notifications };
}

export function staticDirectory(connectors: Connector[], problem?: string): ConnectorDirectory {
  return { list: async () => ({ connectors, ...(problem ? { problem } : {}) }) };
}

export function allText(message: Message): string {
  return [message.text, ...message.blocks.map((b) => JSON.stringify(b))].join('\n');
}

export function buttonsOf(message: Message): Button[] {
  return message.blocks.flatMap((b: Block) => (b.type === 'actions' ? b.buttons : []));
}

/** A client for a test engine (by default the one in DOCKER_HOST, with its TLS settings), as the product builds one. */
export function testDockerClient(engine: TestDockerEngine = 'first'): DockerClient {
  return createDockerClient(testEngineSettings(engine));
}

/**
 * The same engine through plain dockerode, for what a test sets up around the product (networks, waits, tags,
 * restarts): the product's client calls only the endpoints the bot uses (src/integrations/docker/endpoints.ts).
 */
export function fixtureDockerClient(engine: TestDockerEngine = 'first'): DockerClient {
  return new Docker(modemOptions(testEngineSettings(engine)));
}

/** A test engine (DOCKER_HOST's by default), as the configuration would give it. */
export function testEngineSettings(engine: TestDockerEngine = 'first'): EngineSettings {
  if (engine === 'podman') return { name: DEFAULT_ENGINE, host: process.env.TEST_PODMAN_HOST, tlsVerify: false };
  if (engine !== 'first') throw new Error(`no product client settings for the ${engine} test engine`);
  return {
    name: DEFAULT_ENGINE,
    host: process.env.DOCKER_HOST,
    tlsVerify: process.env.DOCKER_TLS_VERIFY === '1',
    ...(process.env.DOCKER_CERT_PATH && { certPath: process.env.DOCKER_CERT_PATH }),
  };
}

/** The error-logs check over these readers, scanning in the test's thread as `connector-ops check` does. */
export function errorLogsCheckOver(readers: ScanReaders & { redactor?: Redactor }, options: Partial<ErrorLogsOptions> = {}): ErrorLogsCheck {
  return new ErrorLogsCheck({ scanner: new LocalLogScanner(() => readers, readers.redactor), engine: DEFAULT_ENGINE }, options);
}

/**
 * `count` ERROR lines in the Connector's log layout (local time, as it writes it), each a group of its own:
 * the messages differ by a word, which grouping keeps (it masks numbers and ids). Labels are `failure kind <word>`.
 */
export function distinctErrorLines(count: number, at: Date = new Date()): { text: string; labels: string[] } {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const stamp = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}`;
  const labels = Array.from({ length: count }, (_, i) => `failure kind ${letters(i)}`);
  return { text: `${labels.map((label) => `[${stamp}] [ERROR] SyncModule - ${label}`).join('\n')}\n`, labels };
}

/** 0 → a, 25 → z, 26 → ba: a word for a number, with no digit in it. */
function letters(n: number): string {
  const word = n.toString(26).split('').map((digit) => String.fromCharCode(97 + Number.parseInt(digit, 26)));
  return word.join('');
}

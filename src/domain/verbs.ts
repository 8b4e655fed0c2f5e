import type { CheckId } from './check-result.ts';
import type { Role } from './roles.ts';

export interface OptionSpec {
  name: string;
  /** Placeholder for the option's value; absent for a flag. */
  value?: string;
  summary: string;
}

/** A word after the verb: a connector's name, an update's version, a request id, a free-text reason. */
export interface PositionalSpec {
  name: 'connector' | 'version' | 'id' | 'reason' | 'what' | 'target' | 'duration';
  required?: boolean;
  /** Takes every remaining word (a reason). */
  rest?: boolean;
}

/** One verb of `/connector`, named `V`. */
export interface VerbSpecOf<V extends string> {
  verb: V;
  summary: string;
  /** The role a person needs to use it. */
  role: Role;
  /** The words it takes after the verb; absent: `[connector]` when takesConnector, else none. */
  positionals?: readonly PositionalSpec[];
  /** An operation, requested now and run after an approval. */
  operation?: true;
  /** It writes to the store (a decision, a subscription, a silence; every operation does): refused while the store cannot be written. */
  records?: true;
  /** The checks the verb runs; absent for verbs that run none. */
  checks?: readonly CheckId[];
  takesConnector: boolean;
  options: readonly OptionSpec[];
}

const DETAILS: OptionSpec = { name: 'details', summary: 'show every detail, not only the summary' };
const SINCE: OptionSpec = { name: 'since', value: '<24h|30m|7d>', summary: 'how far back to read the logs' };
const REASON: OptionSpec = { name: 'reason', value: '"<text>"', summary: 'why: shown to the approver and kept in the audit log' };
const FORCE: OptionSpec = { name: 'force', summary: 'start although the database could not be shown to be as new as at the stop (a separate request that names the risk)' };
const MAJOR: OptionSpec = { name: 'major', summary: 'allow a new major version: a migration, see its guide first' };
const LIMIT: OptionSpec = { name: 'limit', value: '<n>', summary: 'how many entries (default 20, at most 500)' };
const CONNECTOR: PositionalSpec = { name: 'connector' };
const MIN: OptionSpec = { name: 'min', value: '<warn|critical>', summary: 'alerts of at least this severity (default warn)' };
const WHAT: PositionalSpec = { name: 'what', required: true };
const ID: PositionalSpec = { name: 'id', required: true };

/** Every verb of `/connector`, in the order help lists them: the one place their names are written. */
const VERB_TABLE = [
  { verb: 'help', role: 'viewer', summary: 'show this help, or the help of one verb', takesConnector: false, options: [] },
  { verb: 'connectors', role: 'viewer', summary: 'list the connectors the bot operates', takesConnector: false, options: [] },
  {
    verb: 'status',
    role: 'viewer',
    summary: 'run every check: health, resources, updates, logs, keys, old material, third-party systems, database',
    checks: ['health', 'container', 'resources', 'image-update', 'versions', 'error-logs', 'key-material', 'old-material', 'third-party', 'database'],
    takesConnector: true,
    options: [DETAILS],
  },
  { verb: 'health', role: 'viewer', summary: 'the health route and the container as its engine sees it', checks: ['health', 'container'], takesConnector: true, options: [DETAILS] },
  { verb: 'resources', role: 'viewer', summary: 'CPU, memory and disk of the host and the container', checks: ['resources'], takesConnector: true, options: [DETAILS] },
  { verb: 'updates', role: 'viewer', summary: 'Connector image updates, engine and OS versions', checks: ['image-update', 'versions'], takesConnector: true, options: [DETAILS] },
  { verb: 'logs', role: 'viewer', summary: 'errors in the Connector log, grouped', checks: ['error-logs'], takesConnector: true, options: [SINCE, DETAILS] },
  { verb: 'keys', role: 'viewer', summary: 'key material: identity, Backbone authentication, API key, TLS certificate', checks: ['key-material'], takesConnector: true, options: [DETAILS] },
  { verb: 'old-material', role: 'viewer', summary: 'unused Connector images, exited containers, old logs and backups', checks: ['old-material'], takesConnector: true, options: [DETAILS] },
  { verb: 'third-party', role: 'viewer', summary: 'message brokers, webhooks and other systems the Connector depends on', checks: ['third-party'], takesConnector: true, options: [DETAILS] },
  { verb: 'database', role: 'viewer', summary: 'MongoDB: reachability, replica set, lag, oplog, backups', checks: ['database'], takesConnector: true, options: [DETAILS] },
  { verb: 'restart', role: 'operator', operation: true, summary: 'request a restart; runs after another person approves', takesConnector: true, options: [REASON] },
  { verb: 'stop', role: 'operator', operation: true, summary: 'request a graceful stop (with a backup and a stop marker)', takesConnector: true, options: [REASON] },
  { verb: 'start', role: 'operator', operation: true, summary: 'request a start after a downtime, guarded: never on a database older than at the stop', takesConnector: true, options: [FORCE, REASON] },
  {
    verb: 'update',
    role: 'operator',
    operation: true,
    summary: 'request an update to a newer image (the newest of the same major by default), rolled back when it does not become healthy',
    takesConnector: true,
    positionals: [CONNECTOR, { name: 'version' }],
    options: [MAJOR, REASON],
  },
  { verb: 'backup', role: 'operator', operation: true, summary: "request a backup of the Connector's definition, configuration and logs", takesConnector: true, options: [REASON] },
  { verb: 'cleanup', role: 'operator', operation: true, summary: 'request the removal of what old-material lists (never database backups)', takesConnector: true, options: [REASON] },
  { verb: 'approve', records: true, role: 'approver', summary: 'approve a request: it runs at once', takesConnector: false, positionals: [ID], options: [] },
  { verb: 'reject', records: true, role: 'approver', summary: 'reject a request, with a reason', takesConnector: false, positionals: [ID, { name: 'reason', rest: true }], options: [] },
  { verb: 'cancel', records: true, role: 'operator', summary: 'withdraw your own pending request', takesConnector: false, positionals: [ID], options: [] },
  { verb: 'requests', role: 'viewer', summary: 'pending and running requests', takesConnector: false, options: [] },
  { verb: 'audit', role: 'viewer', summary: 'the latest entries of the audit log', takesConnector: true, options: [LIMIT] },
  { verb: 'subscribe', records: true, role: 'operator', summary: 'post the daily report or alerts (reports|alerts) into this conversation', takesConnector: false, positionals: [WHAT], options: [MIN] },
  { verb: 'unsubscribe', records: true, role: 'operator', summary: 'stop posting reports or alerts (reports|alerts) here', takesConnector: false, positionals: [WHAT], options: [] },
  { verb: 'subscriptions', role: 'viewer', summary: 'the conversations that receive reports and alerts', takesConnector: false, options: [] },
  { verb: 'schedule', role: 'viewer', summary: 'when the next daily report is posted', takesConnector: false, options: [] },
  { verb: 'alerts', role: 'viewer', summary: 'the alerts firing or pending, and the silences in force', takesConnector: false, options: [] },
  {
    verb: 'silence',
    records: true,
    role: 'operator',
    summary: 'hold back the posts of an alert (its id) or of every alert of a connector, for a while (30m, 1h, 24h, 7d)',
    takesConnector: false,
    positionals: [{ name: 'target', required: true }, { name: 'duration', required: true }, { name: 'reason', rest: true }],
    options: [],
  },
  { verb: 'unsilence', records: true, role: 'operator', summary: 'end a silence before its time (its id, from /connector alerts)', takesConnector: false, positionals: [ID], options: [] },
] as const satisfies readonly VerbSpecOf<string>[];

type VerbEntry = (typeof VERB_TABLE)[number];

/** Every verb of `/connector`; the request layer's handler table is keyed by it, so none can lack a handler. */
export type VerbName = VerbEntry['verb'];

/** The verbs that run checks: they share one command shape and one handler. */
export type CheckVerb = Extract<VerbEntry, { checks: readonly CheckId[] }>['verb'];

/** The verbs that request an operation. */
export type OperationVerb = Extract<VerbEntry, { operation: true }>['verb'];

export type VerbSpec = VerbSpecOf<VerbName>;

/** The verbs that request an operation, in the order help lists them. */
export const OPERATION_VERBS: readonly OperationVerb[] = VERB_TABLE.flatMap((spec) => ('operation' in spec ? [spec.verb] : []));

export const VERBS: readonly VerbSpec[] = VERB_TABLE;

/** The words a verb takes after it, in order. */
export function positionalsOf(spec: VerbSpec): readonly PositionalSpec[] {
  return spec.positionals ?? (spec.takesConnector ? [CONNECTOR] : []);
}

export function findVerb(verb: string): VerbSpec | undefined {
  return VERBS.find((v) => v.verb === verb);
}

export function usageOf(spec: VerbSpec): string {
  const parts = ['/connector', spec.verb];
  for (const word of positionalsOf(spec)) {
    const name = word.rest ? `${word.name}...` : word.name;
    parts.push(word.required ? `<${name}>` : `[${name}]`);
  }
  if (spec.verb === 'help') parts.push('[verb]');
  for (const option of spec.options) parts.push(option.value ? `[--${option.name} ${option.value}]` : `[--${option.name}]`);
  return parts.join(' ');
}

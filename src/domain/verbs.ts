import type { CheckId } from './check-result.ts';
import type { Role } from './roles.ts';

export interface OptionSpec {
  name: string;
  /** Placeholder for the option's value; absent for a flag. */
  value?: string;
  summary: string;
}

/** Every verb of `/connector`; the request layer's handler table is keyed by it, so none can lack a handler. */
export type VerbName =
  | 'help'
  | 'connectors'
  | 'status'
  | 'health'
  | 'resources'
  | 'updates'
  | 'logs'
  | 'keys'
  | 'old-material'
  | 'third-party'
  | 'database';

export interface VerbSpec {
  verb: VerbName;
  summary: string;
  /** The role a person needs to use it. */
  role: Role;
  /** The checks the verb runs; absent for verbs that run none. */
  checks?: readonly CheckId[];
  takesConnector: boolean;
  options: readonly OptionSpec[];
}

const DETAILS: OptionSpec = { name: 'details', summary: 'show every detail, not only the summary' };
const SINCE: OptionSpec = { name: 'since', value: '<24h|30m|7d>', summary: 'how far back to read the logs' };

/** Every verb of `/connector`, in the order help lists them. */
export const VERBS: readonly VerbSpec[] = [
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
  { verb: 'health', role: 'viewer', summary: 'the health route and the container as Docker sees it', checks: ['health', 'container'], takesConnector: true, options: [DETAILS] },
  { verb: 'resources', role: 'viewer', summary: 'CPU, memory and disk of the host and the container', checks: ['resources'], takesConnector: true, options: [DETAILS] },
  { verb: 'updates', role: 'viewer', summary: 'Connector image updates, Docker and OS versions', checks: ['image-update', 'versions'], takesConnector: true, options: [DETAILS] },
  { verb: 'logs', role: 'viewer', summary: 'errors in the Connector log, grouped', checks: ['error-logs'], takesConnector: true, options: [SINCE, DETAILS] },
  { verb: 'keys', role: 'viewer', summary: 'key material: identity, Backbone authentication, API key, TLS certificate', checks: ['key-material'], takesConnector: true, options: [DETAILS] },
  { verb: 'old-material', role: 'viewer', summary: 'unused Connector images, exited containers, old logs and backups', checks: ['old-material'], takesConnector: true, options: [DETAILS] },
  { verb: 'third-party', role: 'viewer', summary: 'message brokers, webhooks and other systems the Connector depends on', checks: ['third-party'], takesConnector: true, options: [DETAILS] },
  { verb: 'database', role: 'viewer', summary: 'MongoDB: reachability, replica set, lag, oplog, backups', checks: ['database'], takesConnector: true, options: [DETAILS] },
];

export function findVerb(verb: string): VerbSpec | undefined {
  return VERBS.find((v) => v.verb === verb);
}

export function usageOf(spec: VerbSpec): string {
  const parts = ['/connector', spec.verb];
  if (spec.takesConnector) parts.push('[connector]');
  if (spec.verb === 'help') parts.push('[verb]');
  for (const option of spec.options) parts.push(option.value ? `[--${option.name} ${option.value}]` : `[--${option.name}]`);
  return parts.join(' ');
}

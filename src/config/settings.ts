import type { z } from 'zod';
import { DEFAULT_REPORT_SCHEDULE } from '../time/schedule.ts';
import {
  boolean,
  connectorName,
  containerName,
  credentialFreeHttpUrl,
  dockerHost,
  list,
  logFormat,
  logLevel,
  mongodbUri,
  nonEmpty,
  percent,
  port,
  positiveInt,
  registryHost,
  slackToken,
  teamsAuthType,
} from './values.ts';

/** One setting: where it is read, how it is checked, and what it is when nothing sets it. */
export interface Setting<S extends z.ZodType = z.ZodType, D = unknown> {
  /** Its environment variable, which wins over the YAML file. */
  env: string;
  /** Its place in the YAML file, e.g. `checks.timeoutMs`; absent: the environment only. */
  file?: string;
  /** Checks both the text of the variable and the value in the file. */
  schema: S;
  /** What it is when neither sets it; undefined: unset. */
  default: D;
  /** Its value goes into Config.secrets and never into a message; `NAME_FILE` may name a file holding it. */
  secret: boolean;
  description: string;
}

interface Row<S extends z.ZodType> {
  file?: string;
  schema: S;
  secret?: true;
  description: string;
}

type Unnamed<S extends z.ZodType, D> = Omit<Setting<S, D>, 'env'>;

/** A row of the table; its default, if any, must be a value of its schema. */
function row<S extends z.ZodType>(spec: Row<S> & { default: z.output<NoInfer<S>> }): Unnamed<S, z.output<S>>;
function row<S extends z.ZodType>(spec: Row<S>): Unnamed<S, undefined>;
function row(spec: Row<z.ZodType> & { default?: unknown }): Unnamed<z.ZodType, unknown> {
  return { ...spec, default: spec.default, secret: spec.secret === true };
}

type Table<T> = { [K in keyof T & string]: T[K] & { env: K } };

function table<T extends Record<string, Unnamed<z.ZodType, unknown>>>(rows: T): Table<T> {
  return Object.fromEntries(Object.entries(rows).map(([env, r]) => [env, { ...r, env }])) as Table<T>;
}

/**
 * Every setting the environment or the YAML file gives, with its one default. Keyed by environment
 * variable; the section readers in ./sections read these rows and nothing else. `.env.example`
 * documents each row (a test holds them together).
 */
export const SETTINGS = table({
  CONNECTOR_NAME: row({ schema: connectorName, description: 'name of the connector configured from the environment; default: its container name' }),
  CONNECTOR_CONTAINER: row({ schema: containerName, description: 'its container name or id' }),
  CONNECTOR_URL: row({ schema: credentialFreeHttpUrl("the Connector's API key belongs in CONNECTOR_API_KEY"), description: 'its base URL, http(s)://' }),
  CONNECTOR_API_KEY: row({ schema: nonEmpty, secret: true, description: 'its API key (scopes monitoring:*, core:account)' }),
  CONNECTOR_API_KEY_HEADER: row({ schema: nonEmpty, default: 'X-API-KEY', description: 'the header its API key is sent in' }),
  CONNECTOR_MONGODB_URI: row({ schema: mongodbUri, secret: true, description: 'its MongoDB, for the database check' }),
  CONNECTOR_LOG_FILES: row({ schema: list, default: [], description: 'paths or globs of its log files, when a file appender is configured' }),
  CONNECTOR_THIRD_PARTY: row({ schema: list, default: [], description: 'URLs of further systems it depends on, to probe' }),
  CONNECTOR_BACKUP_PATH: row({ schema: nonEmpty, description: 'directory of its database backups' }),
  CONNECTOR_OPS_CONFIG: row({ schema: nonEmpty, description: 'the YAML file of several connectors and finer settings' }),

  DOCKER_HOST: row({ schema: dockerHost, description: 'the default engine, as the docker CLI reads it; unset: /var/run/docker.sock' }),
  DOCKER_TLS_VERIFY: row({ schema: boolean, default: false, description: "verify the default engine's TLS certificate" }),
  DOCKER_CERT_PATH: row({ schema: nonEmpty, description: "directory of the default engine's ca.pem, cert.pem and key.pem" }),
  SSH_AUTH_SOCK: row({ schema: nonEmpty, description: 'the SSH agent an ssh:// engine authenticates with, as ssh reads it' }),

  REGISTRY_HOST: row({ schema: registryHost, description: 'the registry the REGISTRY_* credentials are for' }),
  REGISTRY_USERNAME: row({ schema: nonEmpty, description: 'user name at REGISTRY_HOST' }),
  REGISTRY_PASSWORD: row({ schema: nonEmpty, secret: true, description: 'password or token at REGISTRY_HOST' }),
  REGISTRY_INSECURE: row({ schema: list, default: [], description: 'registry hosts reached over plain HTTP' }),

  CHECK_TIMEOUT_MS: row({ file: 'checks.timeoutMs', schema: positiveInt, default: 10_000, description: "each check's time limit" }),
  CHECK_CONCURRENCY: row({ file: 'checks.concurrency', schema: positiveInt, default: 20, description: 'connectors each check runs for at once' }),
  BACKGROUND_RUN_SECONDS: row({
    file: 'checks.backgroundRunSeconds',
    schema: positiveInt,
    default: 300,
    description: "how often the background run samples the disks and runs every connector's checks (the slow ones excepted), for /metrics",
  }),
  CPU_WARN_PERCENT: row({ file: 'checks.resources.cpu.warn', schema: percent, default: 80, description: 'CPU use that warns' }),
  CPU_CRITICAL_PERCENT: row({ file: 'checks.resources.cpu.critical', schema: percent, default: 90, description: 'CPU use that is critical' }),
  MEMORY_WARN_PERCENT: row({ file: 'checks.resources.memory.warn', schema: percent, default: 80, description: 'memory use that warns' }),
  MEMORY_CRITICAL_PERCENT: row({ file: 'checks.resources.memory.critical', schema: percent, default: 90, description: 'memory use that is critical' }),
  DISK_WARN_PERCENT: row({ file: 'checks.resources.disk.warn', schema: percent, default: 80, description: 'disk use that warns' }),
  DISK_CRITICAL_PERCENT: row({ file: 'checks.resources.disk.critical', schema: percent, default: 90, description: 'disk use that is critical' }),
  DISK_PATHS: row({ file: 'checks.resources.paths', schema: list, default: [], description: 'further paths whose disk is watched' }),
  ERROR_LOG_WINDOW_HOURS: row({ file: 'checks.errorLogs.windowHours', schema: positiveInt, default: 24, description: 'how far back the error-log check reads' }),
  ERROR_LOG_TIMEOUT_MS: row({ file: 'checks.errorLogs.timeoutMs', schema: positiveInt, default: 60_000, description: "the error-log check's time limit" }),
  INCLUDE_PRERELEASES: row({ file: 'checks.imageUpdate.includePrereleases', schema: boolean, default: false, description: 'offer prerelease versions as updates' }),
  SYNC_INTERVAL_MULTIPLE: row({ file: 'checks.sync.intervalMultiple', schema: positiveInt, default: 5, description: 'sync intervals after which the last sync run warns' }),
  SYNC_MAX_AGE_MINUTES: row({ file: 'checks.sync.maxAgeMinutes', schema: positiveInt, default: 15, description: 'age of the last sync run that warns when the interval is unknown' }),
  MIN_DOCKER_VERSION: row({ file: 'checks.versions.minDockerVersion', schema: nonEmpty, description: 'the oldest Docker Engine version that passes' }),
  MIN_PODMAN_VERSION: row({ file: 'checks.versions.minPodmanVersion', schema: nonEmpty, description: 'the oldest Podman version that passes (Podman serving the Docker API)' }),
  MIN_KERNEL_VERSION: row({ file: 'checks.versions.minKernel', schema: nonEmpty, description: 'the oldest kernel version that passes' }),
  LOG_RETENTION_DAYS: row({ file: 'checks.oldMaterial.logRetentionDays', schema: positiveInt, default: 30, description: 'age at which log files are old material' }),
  BACKUP_RETENTION_DAYS: row({ file: 'checks.oldMaterial.backupRetentionDays', schema: positiveInt, default: 30, description: 'age at which backups are old material' }),

  CONNECTOR_OPS_VIEWERS: row({ file: 'access.viewers', schema: list, default: [], description: 'who may use the read-only verbs (empty: everyone in a channel the bot is in)' }),
  CONNECTOR_OPS_OPERATORS: row({ file: 'access.operators', schema: list, default: [], description: 'who may request operations: slack:U0123ABCD, slack:@group, teams:<object id>, * ' }),
  CONNECTOR_OPS_APPROVERS: row({ file: 'access.approvers', schema: list, default: [], description: 'who may approve or reject operations' }),
  CONNECTOR_OPS_OPERATION_CHANNELS: row({ file: 'access.operationChannels', schema: list, default: [], description: 'the only conversations operations may be requested in (empty: any)' }),
  CONNECTOR_OPS_ALLOW_SELF_APPROVAL: row({ file: 'access.allowSelfApproval', schema: boolean, default: false, description: 'let a requester approve their own request in chat (single-person teams)' }),
  APPROVAL_TIMEOUT_MINUTES: row({ file: 'operations.approvalTimeoutMinutes', schema: positiveInt, default: 30, description: 'a pending request expires after this' }),
  STOP_GRACE_SECONDS: row({ file: 'operations.stopGraceSeconds', schema: positiveInt, default: 60, description: 'SIGTERM to SIGKILL when stopping or restarting a Connector' }),
  HEALTHY_TIMEOUT_SECONDS: row({ file: 'operations.healthyTimeoutSeconds', schema: positiveInt, default: 300, description: 'how long a started Connector may take to become healthy' }),
  BACKUP_DIR: row({ file: 'operations.backupDir', schema: nonEmpty, description: "where backups of the Connector's definition, configuration and logs go; default: DATA_DIR/backups" }),

  SLACK_BOT_TOKEN: row({ schema: slackToken('xoxb-'), secret: true, description: "the Slack app's bot token (xoxb-…); set, the Slack adapter starts" }),
  SLACK_APP_TOKEN: row({ schema: slackToken('xapp-'), secret: true, description: 'an app-level token (xapp-…, connections:write): Socket Mode, no public URL needed' }),
  SLACK_SIGNING_SECRET: row({ schema: nonEmpty, secret: true, description: 'the signing secret: HTTP mode, Slack posts to /slack/events on HTTP_PORT' }),
  SLACK_API_URL: row({ schema: credentialFreeHttpUrl('Slack takes its tokens from SLACK_BOT_TOKEN and SLACK_APP_TOKEN'), default: 'https://slack.com/api/', description: "the Slack Web API's base URL (GovSlack: https://slack-gov.com/api/)" }),
  SLACK_REPORTS_IN_CHANNEL: row({ file: 'slack.reportsInChannel', schema: boolean, default: true, description: 'post reports and operation requests in the channel (false: only to whoever asked)' }),

  // Teams: the Agents SDK's own names (as loadAuthConfigFromEnv() reads them, so Microsoft's documentation applies),
  // and short aliases for the common single-tenant case.
  connections__serviceConnection__settings__clientId: row({ schema: nonEmpty, description: "the Azure Bot's app (client) id; set, the Teams adapter starts (alias TEAMS_APP_ID)" }),
  connections__serviceConnection__settings__clientSecret: row({ schema: nonEmpty, secret: true, description: 'its client secret (alias TEAMS_APP_PASSWORD)' }),
  connections__serviceConnection__settings__tenantId: row({ schema: nonEmpty, description: 'its tenant id, for a single-tenant app (alias TEAMS_TENANT_ID)' }),
  connections__serviceConnection__settings__certPemFile: row({ schema: nonEmpty, description: "instead of a secret: the certificate's PEM file" }),
  connections__serviceConnection__settings__certKeyFile: row({ schema: nonEmpty, description: "and its private key's PEM file" }),
  connections__serviceConnection__settings__authType: row({ schema: teamsAuthType, description: 'ClientSecret, Certificate or EntraAuthSideCar; default: from the credential given' }),
  connections__serviceConnection__settings__authorityEndpoint: row({ schema: credentialFreeHttpUrl('the app authenticates with its secret or certificate'), description: 'the Entra authority, for sovereign clouds (default https://login.microsoftonline.com)' }),
  connections__serviceConnection__settings__sidecarBaseUrl: row({ schema: credentialFreeHttpUrl('the token service authenticates the app itself'), description: "instead of a secret: an Entra token sidecar's loopback or private URL (authType EntraAuthSideCar)" }),
  connectionsMap__0__serviceUrl: row({ schema: nonEmpty, description: 'the SDK\'s map of service URLs to connections: only * (every one) to the one connection' }),
  connectionsMap__0__connection: row({ schema: nonEmpty, description: 'the connection of that map entry: only serviceConnection' }),
  TEAMS_APP_ID: row({ schema: nonEmpty, description: 'short for connections__serviceConnection__settings__clientId' }),
  TEAMS_APP_PASSWORD: row({ schema: nonEmpty, secret: true, description: 'short for connections__serviceConnection__settings__clientSecret' }),
  TEAMS_TENANT_ID: row({ schema: nonEmpty, description: 'short for connections__serviceConnection__settings__tenantId' }),
  TEAMS_SERVICE_HOSTS: row({
    schema: list,
    default: ['smba.trafficmanager.net', 'teams.microsoft.com', 'teams.microsoft.us'],
    description: 'the only hosts (with their subdomains) of Teams service URLs the bot posts to',
  }),

  REPORT_SCHEDULE: row({ file: 'reports.schedule', schema: nonEmpty, default: DEFAULT_REPORT_SCHEDULE, description: 'when the daily maintenance report is posted (cron: minute hour day month weekday)' }),
  REPORT_TIMEZONE: row({ file: 'reports.timezone', schema: nonEmpty, default: 'UTC', description: 'the IANA time zone of REPORT_SCHEDULE, e.g. Europe/Berlin' }),
  REPORT_GRACE_HOURS: row({ file: 'reports.graceHours', schema: positiveInt, default: 6, description: 'a report missed while the bot was down is made up once when it starts within this' }),

  ALERT_GROUP_WAIT_SECONDS: row({ file: 'alerts.groupWaitSeconds', schema: positiveInt, default: 30, description: 'an alert waits this long before its first post (one resolved meanwhile posts nothing)' }),
  ALERT_GROUP_INTERVAL_SECONDS: row({ file: 'alerts.groupIntervalSeconds', schema: positiveInt, default: 300, description: 'at most one update of an alert message within this' }),
  ALERT_REPEAT_INTERVAL_SECONDS: row({ file: 'alerts.repeatIntervalSeconds', schema: positiveInt, default: 14_400, description: 'an alert still firing without change is posted again after this' }),
  ALERT_RESOLVE_SECONDS: row({ file: 'alerts.resolveSeconds', schema: positiveInt, default: 900, description: 'an error group without a new error for this long is resolved' }),
  ALERT_HOLD_SECONDS: row({ file: 'alerts.holdSeconds', schema: positiveInt, default: 120, description: 'health and thresholds must hold a state this long before it alerts or resolves (flapping is damped)' }),
  ALERT_PROBE_SECONDS: row({ file: 'alerts.probeSeconds', schema: positiveInt, default: 60, description: 'how often health and resources are probed for alerts' }),
  ALERT_SLOW_CHECKS_SECONDS: row({ file: 'alerts.slowChecksSeconds', schema: positiveInt, default: 3_600, description: 'how often expiries and new Connector versions are checked for alerts' }),
  ALERT_FOLLOW_LOGS: row({ file: 'alerts.followLogs', schema: boolean, default: true, description: "follow each connector's log for error alerts" }),

  DATA_DIR: row({ schema: nonEmpty, description: 'the embedded store; default: $XDG_STATE_HOME/connector-ops, else ~/.local/state/connector-ops (the image: /data)' }),
  HTTP_HOST: row({ schema: nonEmpty, default: '127.0.0.1', description: "the address of the bot's HTTP server" }),
  HTTP_PORT: row({ schema: port, default: 3000, description: "the port of the bot's HTTP server" }),
  LOG_LEVEL: row({ schema: logLevel, default: 'info', description: 'the lowest level logged' }),
  LOG_FORMAT: row({ schema: logFormat, default: 'auto', description: 'json, pretty, or auto (pretty on a terminal)' }),
});

/** The rows of the table, for what walks all of them. */
export const SETTING_ROWS: readonly Setting[] = Object.values(SETTINGS);

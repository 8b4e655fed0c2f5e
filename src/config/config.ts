import type { Connector } from '../domain/connector.ts';

export interface Thresholds {
  warn: number;
  critical: number;
}

export interface RegistryCredentials {
  username?: string;
  password?: string;
  insecure: boolean;
}

/**
 * A Docker engine the bot talks to, as the docker CLI names one: `unix:///var/run/docker.sock`,
 * `tcp://host:2376` (TLS with `tlsVerify` and the ca.pem/cert.pem/key.pem of `certPath`), `ssh://user@host`.
 */
export interface EngineSettings {
  /** How chat and reports name it: `default` for DOCKER_HOST's engine, else its host URL or the configured name. */
  name: string;
  /** Absent: the docker CLI's default socket, /var/run/docker.sock. */
  host?: string;
  tlsVerify: boolean;
  certPath?: string;
  /** The SSH agent's socket (SSH_AUTH_SOCK), whose keys an ssh:// engine is reached with. */
  sshAgent?: string;
}

export const DEFAULT_ENGINE = 'default';

/** A conversation that receives reports or alerts: `slack:C0123ABCD`, `teams:<conversation id>`, `console`. */
export interface NotificationTarget {
  conversation: string;
  receives: Array<'reports' | 'alerts'>;
  /** Alerts below this are not posted here. */
  minSeverity: 'warn' | 'critical';
  /** Only these connectors; empty: all. */
  connectors: string[];
}

export type SlackSettings = {
  botToken: string;
  /** Ends with a slash, as the Web API client wants it. */
  apiUrl: string;
  reportsInChannel: boolean;
} & ({ mode: 'socket'; appToken: string; /** SLACK_SIGNING_SECRET is set too, and unused. */ signingSecretUnused?: true } | { mode: 'http'; signingSecret: string });

/** How the Teams adapter gets its outbound tokens, as the Agents SDK names the kinds (its `authType`). */
export type TeamsCredential =
  | { authType: 'ClientSecret'; clientSecret: string }
  | { authType: 'Certificate'; certPemFile: string; certKeyFile: string }
  /** A loopback or private token service (Microsoft's Entra auth sidecar): tests, and hosts that keep the secret elsewhere. */
  | { authType: 'EntraAuthSideCar'; sidecarBaseUrl: string };

/** The Teams adapter's settings: the Azure Bot's app registration, and where the bot may post. */
export interface TeamsSettings {
  /** The app registration's client id: the audience of every token Teams sends. */
  clientId: string;
  /** Absent: a multi-tenant registration (the SDK then reads keys of `botframework.com`). */
  tenantId?: string;
  credential: TeamsCredential;
  /** Where signing keys of Entra issuers are found, `{authorityEndpoint}/{tenantId}/discovery/v2.0/keys`; absent: the SDK's, https://login.microsoftonline.com. */
  authorityEndpoint?: string;
  /** The hosts (and their subdomains) of activity serviceUrls the bot posts to. */
  serviceHosts: string[];
}

/** The whole configuration, loaded once and validated at start. */
export interface Config {
  dataDir: string;
  http: { host: string; port: number };
  log: { level: string; format: 'json' | 'pretty' | 'auto' };
  /** Configured connectors; when empty, connectors are discovered on every engine. */
  connectors: Connector[];
  /** Every engine: the default one (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) first, then those the YAML file names. */
  engines: EngineSettings[];
  checks: {
    timeoutMs: number;
    concurrency: number;
    /** The background run: disk samples and every connector's checks (the slow ones excepted), for /metrics. */
    backgroundRunMs: number;
    resources: { cpu: Thresholds; memory: Thresholds; disk: Thresholds; paths: string[] };
    /** Reading a day of logs through Docker goes at ~30 MB/s: this check gets its own, longer limit. */
    errorLogs: { windowHours: number; timeoutMs: number };
    imageUpdate: { includePrereleases: boolean };
    /** When the age of the last sync run warns: a multiple of the sync interval, or a fixed age when it is unknown. */
    sync: { intervalMultiple: number; maxAgeMinutes: number };
    versions: { minDockerVersion?: string; minPodmanVersion?: string; minKernel?: string };
    oldMaterial: { logRetentionDays: number; backupRetentionDays: number };
  };
  registries: Record<string, RegistryCredentials>;
  /** Who may do what; identities as `slack:U0123ABCD`, `slack:@group`, `teams:<object id>`, `console`, `*`. */
  access: {
    viewers: string[];
    operators: string[];
    approvers: string[];
    /** Conversations (`slack:C0123…`, `teams:<conversation id>`) operations may be requested in; empty: any. */
    operationChannels: string[];
    allowSelfApproval: boolean;
  };
  operations: {
    approvalTimeoutMinutes: number;
    stopGraceSeconds: number;
    healthyTimeoutSeconds: number;
    backupDir: string;
  };
  /** The daily maintenance report: when, in which zone, and how late a missed one is still made up. */
  reports: { schedule: string; timezone: string; graceHours: number };
  /** The alert timers (as Alertmanager has them), the hold time that damps flapping, and the probes' pace. */
  alerts: AlertSettings;
  /** Conversations that receive reports or alerts, from the YAML file (`/connector subscribe` adds more at run time). */
  notifications: NotificationTarget[];
  /** Absent: no Slack adapter. Socket Mode with an app token, HTTP mode with a signing secret. */
  slack?: SlackSettings;
  /** Absent: no Teams adapter. Present: a client id with a secret, a certificate or a token sidecar. */
  teams?: TeamsSettings;
  /** Every secret value of the configuration, for the redactor. */
  secrets: string[];
}

export interface AlertSettings {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  /** An error group without a new error for this long is resolved. */
  resolveMs: number;
  holdMs: number;
  probeIntervalMs: number;
  slowChecksIntervalMs: number;
  followLogs: boolean;
}

import { z } from 'zod';

/** Field schemas shared by the environment and the YAML file, with messages that say what is expected. */

export const httpUrl = z.string().trim().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  },
  { message: 'must be an http(s) URL' },
);

/**
 * An http(s) URL that carries no credentials: the bot authenticates by other settings (`belongIn` says which),
 * and a user:password@ would be dropped or sent where it does not belong, and every check would fail.
 */
export function credentialFreeHttpUrl(belongIn: string) {
  return httpUrl.refine((value) => !hasCredentials(value), { message: `must not carry credentials (user:password@): ${belongIn}` });
}

function hasCredentials(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

/** A registry as Docker names it (`ghcr.io`, `registry.example.com:5000`, `[::1]:5000`), or its URL. */
export const registryHost = z
  .string()
  .trim()
  .refine((value) => /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(value) || httpUrl.safeParse(value).success, {
    message: 'must be a registry host such as ghcr.io or registry.example.com:5000',
  })
  .refine((value) => !hasCredentials(value), { message: 'must not carry credentials (user:password@): they belong in REGISTRY_USERNAME and REGISTRY_PASSWORD' });

export const mongodbUri = z
  .string()
  .trim()
  .refine((value) => /^mongodb(\+srv)?:\/\/[^/\s]+/.test(value), {
    message: 'must be a MongoDB connection string (mongodb:// or mongodb+srv://)',
  });

export const connectorName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, {
    message: 'must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit',
  });

/** Docker container names: what `docker run --name` accepts, or a container id. */
export const containerName = z
  .string()
  .trim()
  .regex(/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/, { message: 'must be a container name or id' });

export const port = z.coerce
  .number({ message: 'must be a port number' })
  .int({ message: 'must be a whole number' })
  .min(0, { message: 'must be a port number from 0 to 65535' })
  .max(65535, { message: 'must be a port number from 0 to 65535' });

export const positiveInt = z.coerce
  .number({ message: 'must be a number' })
  .int({ message: 'must be a whole number' })
  .positive({ message: 'must be greater than 0' });

export const percent = z.coerce
  .number({ message: 'must be a number' })
  .min(1, { message: 'must be a percentage from 1 to 100' })
  .max(100, { message: 'must be a percentage from 1 to 100' });

export const logLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
  message: 'must be one of trace, debug, info, warn, error, fatal, silent',
});

export const logFormat = z.enum(['json', 'pretty', 'auto'], { message: 'must be one of json, pretty, auto' });

const booleanWords = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(v), {
    message: 'must be true or false',
  })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

/** A YAML boolean, or the words an environment variable spells one with. */
export const boolean = z.union([z.boolean(), booleanWords], { message: 'must be true or false' });

/** A YAML list, or the comma-separated text of an environment variable. */
export const list = z.union(
  [z.array(z.string()), z.string().transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0))],
  { message: 'must be a list, or comma-separated' },
);

export const nonEmpty = z.string().trim().min(1, { message: 'must not be empty' });

/** What docker-modem accepts in DOCKER_HOST: a socket, or an address it reads as a URL (without a scheme, tcp://). */
export const dockerHost = z
  .string()
  .trim()
  .refine(
    (host) => {
      if (isLocalSocket(host)) return true;
      try {
        new URL(host.includes('//') ? host : `tcp://${host}`);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be unix:///path/to/docker.sock, tcp://host:port or ssh://user@host' },
  )
  .refine((host) => !dockerCredentialsIn(host), {
    message:
      'must not carry a password, and a user only in ssh://user@host: ssh authenticates with the keys of the SSH agent (SSH_AUTH_SOCK), tcp:// with TLS client certificates (DOCKER_CERT_PATH, certPath in the YAML file)',
  });

/** A password anywhere, or a user name outside ssh://: the Docker client would drop either without a word. */
function dockerCredentialsIn(host: string): boolean {
  if (isLocalSocket(host)) return false;
  try {
    const url = new URL(host.includes('//') ? host : `tcp://${host}`);
    return url.password !== '' || (url.username !== '' && url.protocol !== 'ssh:');
  } catch {
    return false;
  }
}

/** A unix socket or Windows named pipe (none: the default socket): an engine on this host, which needs no TLS files. */
export function isLocalSocket(host: string | undefined): boolean {
  return host === undefined || host.startsWith('unix://') || host.startsWith('npipe://');
}

/** A Slack token of one kind, recognised by its prefix: a bot token where an app token belongs is a common mix-up. */
export function slackToken(prefix: 'xoxb-' | 'xapp-') {
  return z
    .string()
    .trim()
    .refine((value) => value.startsWith(prefix) && value.length > prefix.length + 8, { message: `must be a Slack token starting with ${prefix}` });
}

/** The Agents SDK's kinds of app credentials that connector-ops takes; a managed identity it never infers. */
export const teamsAuthType = z.enum(['ClientSecret', 'Certificate', 'EntraAuthSideCar'], { message: 'must be ClientSecret, Certificate or EntraAuthSideCar' });

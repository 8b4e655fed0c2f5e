import { AuthType, type AuthConfiguration } from '@microsoft/agents-hosting';
import type { TeamsSettings } from '../../config/config.ts';

/** The one connection, named as Microsoft's samples name it. */
export const CONNECTION = 'serviceConnection';

/**
 * Our settings as the Agents SDK's AuthConfiguration, built so that nothing of the SDK's environment slips in and
 * none of its lax defaults holds:
 * - `connections` and `connectionsMap` always: without them the adapter takes the environment's connections instead;
 * - `authType` always explicit: inferred, a client id alone (or with only a sidecar URL) means a managed identity;
 * - `validateIssuer` on the connection, where the JWT check reads it (on the top level it does nothing): otherwise a
 *   token of another tenant, signed with a key the authority serves, passes;
 * - a sidecar without the SDK's own retries (2 + 4 + 8 s before every first reply) and with a bounded wait.
 */
export function authConfiguration(settings: TeamsSettings): AuthConfiguration {
  const { credential } = settings;
  const connection: AuthConfiguration = {
    clientId: settings.clientId,
    ...(settings.tenantId !== undefined && { tenantId: settings.tenantId }),
    ...(settings.authorityEndpoint !== undefined && { authorityEndpoint: settings.authorityEndpoint }),
    validateIssuer: true,
    authType: AuthType[credential.authType],
    ...(credential.authType === 'ClientSecret' && { clientSecret: credential.clientSecret }),
    ...(credential.authType === 'Certificate' && { certPemFile: credential.certPemFile, certKeyFile: credential.certKeyFile }),
    ...(credential.authType === 'EntraAuthSideCar' && { sidecarBaseUrl: credential.sidecarBaseUrl, retryCount: 0, requestTimeout: SIDECAR_TIMEOUT_MS }),
  };
  return { ...connection, connections: new Map([[CONNECTION, connection]]), connectionsMap: [{ serviceUrl: '*', connection: CONNECTION }] };
}

const SIDECAR_TIMEOUT_MS = 10_000;

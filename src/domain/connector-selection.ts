import { findConnector, type Connector } from './connector.ts';
import { quoted } from './inert.ts';

export type Selection =
  | { ok: true; connectors: Connector[] }
  /** `unknown`: a name matched no connector (a usage error); `none`: there is nothing to check at all. */
  | { ok: false; reason: 'unknown' | 'none'; problem: string };

/**
 * The connectors a request names, the same in chat and in `connector-ops check`: each name matched against
 * the configured or discovered connectors (never handed on as it was typed); no names means every connector.
 */
export function selectConnectors(all: readonly Connector[], names: readonly string[], discoveryProblem?: string): Selection {
  const unknown = names.filter((name) => !findConnector(all, name));
  if (unknown.length > 0) {
    const known = all.map((c) => c.name);
    const which = `${unknown.length === 1 ? 'connector' : 'connectors'} ${unknown.map(quoted).join(', ')}`;
    const list = known.length > 0 ? `Known connectors: ${known.join(', ')}.` : `No connectors are configured or discovered.${discoveryProblem ? ` ${discoveryProblem}` : ''}`;
    return { ok: false, reason: 'unknown', problem: `Unknown ${which}. ${list}` };
  }
  if (all.length === 0) {
    return {
      ok: false,
      reason: 'none',
      problem: `No connectors to check. ${discoveryProblem ?? 'None is configured and none was discovered on the container engines (containers of an image ending in nmshd/connector).'} Configure one with CONNECTOR_CONTAINER or CONNECTOR_URL.`,
    };
  }
  const selected = names.length > 0 ? [...new Set(names.flatMap((name) => findConnector(all, name) ?? []))] : [...all];
  return { ok: true, connectors: selected };
}

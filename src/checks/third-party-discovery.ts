/**
 * Finds the systems a Connector talks to in the configuration it reports on /Monitoring/Support:
 * the message broker publisher's brokers, the older AMQP publisher, webhook targets and their OAuth2
 * token endpoints. Connector versions nest modules differently and operators name modules freely
 * (the `location` names the module), so the whole object is searched rather than one fixed path.
 */
import { displayUrl } from '../integrations/probes/mask.ts';
import { protocolOf, type ProbeProtocol } from '../integrations/probes/probe-url.ts';
import { isObject } from '../integrations/is-object.ts';

export interface ThirdPartyTarget {
  /** What gets probed. */
  url: string;
  /** What the report shows: credentials masked. */
  shownUrl: string;
  /** Set when the configured broker type decides the protocol rather than the scheme (mqtt.js reads tcp:// as MQTT). */
  protocol?: ProbeProtocol;
  /** Where the target came from, e.g. `message broker (AMQP)`, `webhook target "crm"`. */
  source: string;
  /** The Connector does not verify this target's certificate (webhooks' skipTlsCheck). */
  tlsUnchecked?: boolean;
}

/** Something found that is not probed, and why. */
export interface DiscoveryNote {
  source: string;
  note: string;
}

export interface Discovery {
  targets: ThirdPartyTarget[];
  notes: DiscoveryNote[];
}

const BROKER_PROTOCOLS: Record<string, ProbeProtocol> = { amqp: 'amqp', mqtt: 'mqtt', redis: 'redis' };
const REDACTED = /^\*{3}$|^redacted\b/i;

export function discoverTargets(configuration: unknown): Discovery {
  const discovery: Discovery = { targets: [], notes: [] };
  walk(configuration, '', discovery);
  return { targets: dedupe(discovery.targets), notes: discovery.notes };
}

/** A target from a URL the operator configured for the bot. */
export function configuredTarget(url: string): ThirdPartyTarget {
  return { url, shownUrl: displayUrl(url), source: 'configured' };
}

function walk(value: unknown, key: string, discovery: Discovery): void {
  if (Array.isArray(value)) {
    // A bare list of webhooks (a version that nests them differently) carries its targets inline.
    if (/^webhooks$/i.test(key)) collectWebhooks({ webhooks: value }, discovery);
    else for (const item of value) walk(item, key, discovery);
    return;
  }
  if (!isObject(value)) return;
  const location = typeof value.location === 'string' ? value.location : '';
  const module = moduleKind(key, location, value);
  if (module) {
    if (value.enabled === false) {
      discovery.notes.push({ source: module.label, note: 'module disabled: not probed' });
    } else {
      module.collect(value, discovery);
    }
    return;
  }
  for (const [childKey, child] of Object.entries(value)) walk(child, childKey, discovery);
}

interface ModuleKind {
  label: string;
  collect: (module: Record<string, unknown>, discovery: Discovery) => void;
}

function moduleKind(key: string, location: string, value: Record<string, unknown>): ModuleKind | undefined {
  if (/^messageBrokerPublisher$/i.test(key) || /MessageBrokerPublisherModule$/.test(location) || Array.isArray(value.brokers)) {
    return { label: 'message broker publisher', collect: collectBrokers };
  }
  if (/^amqpPublisher$/i.test(key) || /AMQPPublisherModule$/.test(location)) {
    return { label: 'AMQP publisher', collect: (module, d) => addUrl(module.url, 'AMQP publisher', d, { protocol: 'amqp' }) };
  }
  if (/^pubsubPublisher$/i.test(key) || /PubSubPublisherModule$/i.test(location)) {
    return { label: 'Pub/Sub publisher', collect: (module, d) => d.notes.push(pubSubNote('Pub/Sub publisher', module)) };
  }
  if (/^webhooks(V2)?$/i.test(key) || /WebhooksModule(V2)?$/.test(location)) {
    return { label: 'webhooks', collect: collectWebhooks };
  }
  return undefined;
}

function collectBrokers(module: Record<string, unknown>, discovery: Discovery): void {
  const brokers = Array.isArray(module.brokers) ? module.brokers : [];
  for (const broker of brokers) {
    if (!isObject(broker)) continue;
    const type = typeof broker.type === 'string' ? broker.type : 'unknown type';
    // The url sits in `configuration` in 6.x/7.x; accept it on the broker itself as well.
    const settings = isObject(broker.configuration) ? broker.configuration : broker;
    const source = `message broker (${type})`;
    if (/^pub\/?sub$/i.test(type)) {
      discovery.notes.push(pubSubNote(source, settings));
      continue;
    }
    addUrl(settings.url, source, discovery, { protocol: BROKER_PROTOCOLS[type.toLowerCase()] });
  }
}

function pubSubNote(source: string, settings: Record<string, unknown>): DiscoveryNote {
  const where = [settings.projectId, settings.topicName].filter((part) => typeof part === 'string').join('/');
  return { source, note: `not probed: Google Pub/Sub needs credentials${where ? ` (${where})` : ''}` };
}

function collectWebhooks(module: Record<string, unknown>, discovery: Discovery): void {
  const tlsUnchecked = module.skipTlsCheck === true;
  // Named targets: an object of name -> target (the documented shape), or a list.
  const targets = module.targets;
  const named: [string, unknown][] = Array.isArray(targets)
    ? targets.map((target, index) => [String(index + 1), target])
    : isObject(targets)
      ? Object.entries(targets)
      : [];
  for (const [name, target] of named) addWebhookTarget(target, `webhook target "${name}"`, tlsUnchecked, discovery);
  // Webhooks may carry their target inline instead of naming one.
  const webhooks = Array.isArray(module.webhooks) ? module.webhooks : [];
  webhooks.forEach((webhook, index) => {
    if (isObject(webhook) && isObject(webhook.target)) {
      addWebhookTarget(webhook.target, `webhook ${index + 1} (inline target)`, tlsUnchecked, discovery);
    }
  });
}

function addWebhookTarget(target: unknown, source: string, tlsUnchecked: boolean, discovery: Discovery): void {
  if (!isObject(target)) return;
  addUrl(target.url, source, discovery, { tlsUnchecked });
  const auth = target.authenticationProvider;
  if (isObject(auth) && auth.accessTokenUrl !== undefined) {
    addUrl(auth.accessTokenUrl, `OAuth2 token endpoint of ${source}`, discovery, { tlsUnchecked });
  }
}

function addUrl(
  value: unknown,
  source: string,
  discovery: Discovery,
  extra: { protocol?: ProbeProtocol | undefined; tlsUnchecked?: boolean },
): void {
  if (typeof value !== 'string' || value.trim() === '') {
    discovery.notes.push({ source, note: 'no URL configured' });
    return;
  }
  const url = value.trim();
  if (REDACTED.test(url)) {
    discovery.notes.push({ source, note: 'URL redacted by the Connector: not probed' });
    return;
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    // Not shown: a value that is not a URL may be anything, a secret included.
    discovery.notes.push({ source, note: 'not a URL: not probed' });
    return;
  }
  const template = url.includes('{{');
  const probed = template ? originOf(url) : url;
  if (!probed) {
    discovery.notes.push({ source, note: `URL template without a fixed host: not probed (${displayUrl(url)})` });
    return;
  }
  const protocol = extra.protocol ?? protocolOf(probed);
  discovery.targets.push({
    url: probed,
    shownUrl: template ? `${displayUrl(probed)} (origin of ${displayUrl(url)})` : displayUrl(probed),
    ...(protocol ? { protocol } : {}),
    source,
    ...(extra.tlsUnchecked ? { tlsUnchecked: true } : {}),
  });
}

/** The scheme, host and port of a URL template such as https://x/{{trigger}}: the part that does not vary. */
function originOf(template: string): string | undefined {
  const fixed = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)/i.exec(template)?.[1];
  if (!fixed || fixed.includes('{{')) return undefined;
  return `${fixed}/`;
}

/** One probe per URL, however many places name it; the sources are listed together. */
function dedupe(targets: ThirdPartyTarget[]): ThirdPartyTarget[] {
  const byUrl = new Map<string, ThirdPartyTarget>();
  for (const target of targets) {
    const key = `${target.protocol ?? ''} ${target.url}`;
    const seen = byUrl.get(key);
    if (seen) {
      if (!seen.source.split(', ').includes(target.source)) seen.source += `, ${target.source}`;
      seen.tlsUnchecked = (seen.tlsUnchecked ?? false) && (target.tlsUnchecked ?? false);
      if (!seen.tlsUnchecked) delete seen.tlsUnchecked;
    } else {
      byUrl.set(key, { ...target });
    }
  }
  return [...byUrl.values()];
}


/** What a message the Connector is known to print means, and what to do about it. */
export interface KnownError {
  /** One line: what happened, in operators' words. */
  explanation: string;
  /** The next step (the chat command where there is one; `{connector}` is replaced by its name). */
  nextStep: string;
}

interface KnownErrorRule extends KnownError {
  /** Tested against the message's first line as the Connector wrote it (not the masked group key). */
  pattern: RegExp;
}

// The network failures of Node and axios that mean "the other side cannot be reached".
const UNREACHABLE = String.raw`\b(?:ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ECONNRESET|socket hang up|timeout of \d+ms exceeded)\b`;

/**
 * The messages Connector 7.x prints (docs/connector-interface.md, "Logs"), most specific first: the
 * first rule that matches wins. Anything else is shown as it is.
 */
const RULES: readonly KnownErrorRule[] = [
  {
    pattern: /^Could not connect to the configured database\b/i,
    explanation: 'the Connector cannot reach MongoDB and exits at start',
    nextStep: 'check MongoDB and the connection string (/connector database {connector}), then start it again (/connector start {connector})',
  },
  {
    pattern: /The given Backbone is not compatible with this Connector version/i,
    explanation: "this Connector version does not speak the Backbone's API version",
    nextStep: 'update the Connector to a version the Backbone supports (/connector updates {connector})',
  },
  {
    // Before the sync rules: a sync can fail on the database too.
    pattern: /\bMongo(?:Network|NetworkTimeout|ServerSelection|TopologyClosed|NotConnected)Error\b/,
    explanation: 'the Connector lost its connection to MongoDB',
    nextStep: 'check MongoDB (/connector database {connector}); the Connector reconnects once it answers',
  },
  {
    // The Backbone's transport wraps its failures in a RequestError.
    pattern: new RegExp(`^Sync failed\\b.*RequestError\\b.*(?:${UNREACHABLE})`, 'i'),
    explanation: 'the Connector cannot reach the Backbone; changes from the Backbone wait until a sync succeeds',
    nextStep: 'check the network path to the Backbone (/connector health {connector}); the sync resumes by itself',
  },
  {
    pattern: /^Sync failed\b.*\((?:401|403)\)|^Sync failed\b.*\b(?:invalid_client|unauthorized|forbidden)\b/i,
    explanation: "the Backbone refused the Connector's credentials during a sync",
    nextStep: 'check the client id and secret (/connector keys {connector})',
  },
  {
    pattern: /^Sync failed\b/i,
    explanation: 'a sync run against the Backbone failed; changes from the Backbone wait until one succeeds',
    nextStep: 'if it repeats, read the error code in the details (/connector logs {connector} --details) and /connector health {connector}',
  },
  {
    pattern: /^An error occured during the Backbone connection health check/i,
    explanation: "the Connector's health check cannot reach the Backbone (printed on every /health while it is down)",
    nextStep: 'check the network path to the Backbone (/connector health {connector})',
  },
  {
    pattern: /^Request to webhook '.*' returned status \d+/i,
    explanation: 'a webhook target answered with an error status, so that event did not reach it',
    nextStep: 'check the target system named in the message (/connector third-party {connector})',
  },
  {
    pattern: /^Request to webhook '.*' failed with the following error/i,
    explanation: 'the Connector could not deliver to a webhook target (unreachable, refused or timed out)',
    nextStep: 'check that the target is up and reachable from the Connector (/connector third-party {connector})',
  },
  {
    pattern: /^Uncaught exception occured: Error: Unexpected close\b/i,
    explanation: 'the connection to the AMQP message broker was lost; events published meanwhile may not have reached it',
    nextStep: 'check the broker (/connector third-party {connector}); restart the Connector if it does not reconnect (/connector restart {connector})',
  },
  {
    pattern: new RegExp(`^RequestError: .*(?:${UNREACHABLE}).* for [A-Z]+ /api/v\\d+/`),
    explanation: 'the Connector cannot reach the Backbone',
    nextStep: 'check the network path to the Backbone and its base URL (/connector health {connector})',
  },
];

/** The explanation of a message the Connector is known to print, or undefined for any other. */
export function knownError(message: string, connector: string): KnownError | undefined {
  const firstLine = message.split('\n', 1)[0] ?? '';
  const rule = RULES.find((candidate) => candidate.pattern.test(firstLine));
  return rule && { explanation: rule.explanation, nextStep: rule.nextStep.replaceAll('{connector}', connector) };
}

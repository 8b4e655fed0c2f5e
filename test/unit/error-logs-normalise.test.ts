import { describe, expect, it } from 'vitest';
import { errorClassOf, MAX_INPUT_CHARS, normaliseMessage } from '../../src/logs/normalise.ts';

describe('normaliseMessage', () => {
  it.each([
    ['Sync failed after 3 attempts (took 1532ms)', 'Sync failed after <n> attempts (took <n>ms)'],
    ['connect ECONNREFUSED 10.0.3.7:27017', 'connect ECONNREFUSED <ip>'],
    ['connect ECONNREFUSED [::1]:27017', 'connect ECONNREFUSED <ip>'],
    ['getaddrinfo ENOTFOUND mongo.internal.example:27017', 'getaddrinfo ENOTFOUND <host:port>'],
    ['connection to mongo:27017 closed', 'connection to <host:port> closed'],
    [
      "Request to webhook 'https://user:secret@hooks.example.com/enmeshed?id=42' returned status 502",
      "Request to webhook '…' returned status <n>",
    ],
    ['Request to webhook https://hooks.example.com/a/b?x=1 returned status 404', 'Request to webhook <url> returned status <n>'],
    ['Relationship 3f2b8c1e-9a4d-4e2b-8f1a-0123456789ab not found', 'Relationship <uuid> not found'],
    ['Message MSGxQbcIRRX5RROh9ZQy could not be decrypted', 'Message <id> could not be decrypted'],
    [
      'Peer did:e:pilot.enmeshed.eu:dids:a5ff1c7ac0b1d49b8e6f97 is unknown',
      'Peer <address> is unknown',
    ],
    ['Token expired at 2026-08-20T09:14:03.512Z, now 2026-08-20 09:15', 'Token expired at <time>, now <time>'],
    ['Object id 5f9b3c2a1e4d7f0012ab34cd has version 0x1F', 'Object id <hex> has version <hex>'],
    ['Attribute "givenName" is invalid', 'Attribute "…" is invalid'],
    ["can't read 'config.json'", "can't read '…'"],
    ['  lots   of\tspace  ', 'lots of space'],
    ['utf8 and base64 and v7 stay as they are', 'utf8 and base64 and v7 stay as they are'],
  ])('%s', (message, normalised) => {
    expect(normaliseMessage(message)).toBe(normalised);
  });

  it('maps two occurrences of the same error to one key', () => {
    expect(normaliseMessage('Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.7:27017')).toBe(
      normaliseMessage('Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.9:27017'),
    );
  });

  it('works on a bounded prefix of an endless message, so its work is bounded too', () => {
    // A quoted value that runs past the prefix: masked only if the masks saw more than the prefix.
    const quoted = `${'a'.repeat(MAX_INPUT_CHARS - 10)} "${'x'.repeat(20)}"`;
    expect(normaliseMessage(quoted)).toBe(normaliseMessage(quoted.slice(0, MAX_INPUT_CHARS)));
    expect(normaliseMessage(quoted)).not.toContain('"…"');
    expect(normaliseMessage(`${'a1-'.repeat(100_000)}"${'x'.repeat(100_000)}`).length).toBeLessThanOrEqual(MAX_INPUT_CHARS);
  });
});

describe('errorClassOf', () => {
  it('finds the error class a line names', () => {
    expect(errorClassOf('Sync failed MongoNetworkError: connect ECONNREFUSED')).toBe('MongoNetworkError');
    expect(errorClassOf('TypeError: Cannot read properties of undefined')).toBe('TypeError');
    expect(errorClassOf('System.TimeoutException: The operation has timed out.')).toBe('TimeoutException');
    expect(errorClassOf('Sync failed')).toBeUndefined();
    expect(errorClassOf('an error occurred')).toBeUndefined();
  });
});

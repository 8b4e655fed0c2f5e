import { describe, expect, it } from 'vitest';
import { knownError } from '../../src/logs/known-errors.ts';

const explain = (message: string) => knownError(message, 'ops')?.explanation;

describe('knownError', () => {
  it('explains the database failure at start, and names the connector in the next step', () => {
    const known = knownError('Could not connect to the configured database. Try to check the connection string and the database status. Root error: MongoServerSelectionError: connect ECONNREFUSED 10.0.0.9:27017', 'ops');
    expect(known?.explanation).toBe('the Connector cannot reach MongoDB and exits at start');
    expect(known?.nextStep).toContain('/connector database ops');
    expect(known?.nextStep).toContain('/connector start ops');
    expect(known?.nextStep).not.toContain('{connector}');
  });

  it('tells a sync that cannot reach the Backbone from one refused by it, and from one that lost MongoDB', () => {
    expect(explain("Sync failed RequestError: error.transport.request.unknown (500): 'connect ECONNREFUSED 10.0.0.5:443' for POST /api/v2/SyncRuns at 2026-08-20T09:14:03.512Z")).toMatch(/cannot reach the Backbone/);
    expect(explain("Sync failed RequestError: error.transport.request.unknown (500): 'getaddrinfo ENOTFOUND backbone.example.com' for POST /api/v2/SyncRuns")).toMatch(/cannot reach the Backbone/);
    expect(explain('Sync failed RequestError: error.platform.unauthorized (401): the token is invalid for GET /api/v2/SyncRuns')).toMatch(/refused the Connector's credentials/);
    expect(explain('Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.7:27017')).toBe('the Connector lost its connection to MongoDB');
    expect(explain('Sync failed TypeError: cannot read properties of undefined')).toMatch(/^a sync run against the Backbone failed/);
  });

  it('explains an incompatible Backbone, webhook failures, a lost AMQP connection and the health-check warning', () => {
    expect(explain('Error: The given Backbone is not compatible with this Connector version.')).toMatch(/does not speak the Backbone's API version/);
    expect(explain("Request to webhook 'https://crm.example.com/hook' returned status 503. Expected value between 200 and 299.")).toMatch(/answered with an error status/);
    expect(explain("Request to webhook 'https://crm.example.com/hook' failed with the following error: AxiosError: timeout of 5000ms exceeded")).toMatch(/could not deliver to a webhook target/);
    expect(explain('Uncaught exception occured: Error: Unexpected close')).toMatch(/AMQP message broker was lost/);
    expect(explain('An error occured during the Backbone connection health check: RequestError …')).toMatch(/health check cannot reach the Backbone/);
  });

  it('reads only the first line, and leaves any other message unexplained', () => {
    expect(explain('Something else entirely\nSync failed RequestError: connect ECONNREFUSED')).toBeUndefined();
    expect(explain('RequestError: error.platform.validation.invalidPropertyValue (400) for POST /api/v2/Messages')).toBeUndefined();
    expect(explain('')).toBeUndefined();
  });
});

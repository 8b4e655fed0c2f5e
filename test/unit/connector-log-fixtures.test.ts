import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ErrorEvent } from '../../src/logs/event.ts';
import { knownError } from '../../src/logs/known-errors.ts';
import { LogEventParser } from '../../src/logs/parser.ts';
import { LineSplitter } from '../../src/logs/lines.ts';

/** The recorded logs of test/fixtures/connector-logs, parsed as the error-logs check reads a source. */
function parseFixture(name: string): ErrorEvent[] {
  const events: ErrorEvent[] = [];
  const parser = new LogEventParser((event) => events.push(event));
  const splitter = new LineSplitter(parser);
  splitter.push(readFileSync(new URL(`../fixtures/connector-logs/${name}`, import.meta.url)));
  splitter.end();
  parser.end();
  return events;
}

describe('recorded Connector 7.x logs (the counts their README states)', () => {
  it('a start-up crash through console.error, without a log4js level, is one error event (it read "no errors" before)', () => {
    const events = parseFixture('startup-crash-backbone.log');
    expect(events).toHaveLength(1);
    expect(events[0]!.message).toMatch(/^RequestError: error\.transport\.request\.unknown \(500\): 'connect ECONNREFUSED 127\.0\.0\.1:18191' for POST \/api\/v2\/Challenges/);
    expect(events[0]!.stack[0]).toMatch(/^\s+at RequestError\.fromAxiosError/);
  });

  it('the Backbone down: the two "Sync failed" errors, not the WARN dumps of the health check', () => {
    const events = parseFixture('backbone-down.log');
    expect(events.map((e) => e.level)).toEqual(['ERROR', 'ERROR']);
    expect(events.every((e) => e.message.startsWith('Sync failed RequestError'))).toBe(true);
  });

  it('webhooks and a lost AMQP connection: two errors, the 503 warnings not counted', () => {
    const events = parseFixture('webhooks-and-amqp.log');
    expect(events).toHaveLength(2);
    expect(events.map((e) => e.message)).toEqual([
      expect.stringMatching(/^Request to webhook 'https:\/\/crm\.example\.com\/hook' failed with the following error:/),
      expect.stringMatching(/^Uncaught exception occured: Error: Unexpected close/),
    ]);
  });

  it("the Helm chart's JSON layout: three errors", () => {
    const events = parseFixture('json-layout.log');
    expect(events).toHaveLength(3);
    expect(events.filter((e) => e.level === 'FATAL')).toEqual([]);
  });

  it('every error of the recordings is one the Connector is known to print, explained', () => {
    const explained = (name: string) => parseFixture(name).map((event) => knownError(event.message, 'ops')?.explanation);
    expect(explained('startup-crash-backbone.log')).toEqual(['the Connector cannot reach the Backbone']);
    expect(explained('backbone-down.log')).toEqual(Array(2).fill(expect.stringMatching(/^the Connector cannot reach the Backbone; changes/)));
    expect(explained('webhooks-and-amqp.log')).toEqual([
      expect.stringMatching(/^the Connector could not deliver to a webhook target/),
      expect.stringMatching(/^the connection to the AMQP message broker was lost/),
    ]);
    expect(explained('json-layout.log')).not.toContain(undefined);
  });
});

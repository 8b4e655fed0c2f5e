import { describe, expect, it } from 'vitest';
import type { ErrorEvent } from '../../src/logs/event.ts';
import { ErrorGrouper } from '../../src/logs/grouper.ts';
import { redact } from '../../src/logging/redact.ts';

function event(message: string, time?: number, extra: Partial<ErrorEvent> = {}): ErrorEvent {
  return { level: 'ERROR', time, message, stack: [], ...extra };
}

describe('ErrorGrouper', () => {
  it('groups by normalised message with count, first and last seen, and the first sample', () => {
    const grouper = new ErrorGrouper(redact);
    grouper.add(event('Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.7:27017', 2000, { stack: ['    at a (a.js:1:1)'] }));
    grouper.add(event('Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.9:27017', 1000));
    grouper.add(event('Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.8:27017', 3000, { level: 'FATAL' }));
    grouper.add(event('Request to webhook https://hooks.example.com/x returned status 502', 2500));

    expect(grouper.groupCount).toBe(2);
    expect(grouper.total).toEqual({ count: 4, fatal: 1, firstSeen: 1000, lastSeen: 3000 });
    expect(grouper.top(5)).toEqual([
      {
        key: 'Sync failed MongoNetworkError: connect ECONNREFUSED <ip>',
        count: 3,
        fatal: 1,
        firstSeen: 1000,
        lastSeen: 3000,
        sample: 'Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.7:27017\n    at a (a.js:1:1)',
      },
      {
        key: 'Request to webhook <url> returned status <n>',
        count: 1,
        fatal: 0,
        firstSeen: 2500,
        lastSeen: 2500,
        sample: 'Request to webhook https://hooks.example.com/x returned status 502',
      },
    ]);
  });

  it('tells errors apart by the class their stack names when the first line does not', () => {
    const grouper = new ErrorGrouper(redact);
    grouper.add(event('Sync failed', 1, { stack: ['MongoServerError: bad auth'] }));
    grouper.add(event('Sync failed', 2, { stack: ['MongoNetworkError: connect ECONNREFUSED'] }));
    grouper.add(event('Sync failed', 3, { stack: ['MongoNetworkError: connection reset'] }));
    expect(grouper.top(5).map((group) => [group.key, group.count])).toEqual([
      ['Sync failed (MongoNetworkError)', 2],
      ['Sync failed (MongoServerError)', 1],
    ]);
  });

  it('caps the number of groups and tallies the rest as overflow', () => {
    const grouper = new ErrorGrouper(redact, 3);
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
    for (const [index, word] of words.entries()) grouper.add(event(`failure ${word}`, index));
    grouper.add(event('failure alpha', 10));
    grouper.add(event('failure echo', 11, { level: 'FATAL' }));

    expect(grouper.groupCount).toBe(3);
    expect(grouper.total.count).toBe(7);
    expect(grouper.overflow).toEqual({ count: 3, fatal: 1, firstSeen: 3, lastSeen: 11 });
    expect(grouper.top(1)).toEqual([
      { key: 'failure alpha', count: 2, fatal: 0, firstSeen: 0, lastSeen: 10, sample: 'failure alpha' },
    ]);
  });

  it('orders groups by count, then by the most recent', () => {
    const grouper = new ErrorGrouper(redact);
    grouper.add(event('old one', 1));
    grouper.add(event('new one', 5));
    grouper.add(event('busy one', 2));
    grouper.add(event('busy one', 3));
    expect(grouper.top(2).map((group) => group.key)).toEqual(['busy one', 'new one']);
  });

  it('stays within its bounds over a hundred thousand distinct messages', () => {
    const grouper = new ErrorGrouper(redact);
    const stack = Array.from({ length: 5 }, (_, i) => `    at frame${i} (file.js:${i}:1)`);
    // Letters only, so that masking keeps every message distinct.
    const word = (n: number): string => n.toString(26).replace(/[0-9]/g, (digit) => 'qrstuvwxyz'[Number(digit)] ?? '');
    for (let i = 0; i < 100_000; i++) grouper.add(event(`distinct failure ${word(i)}`, i, { stack }));
    expect(grouper.groupCount).toBe(1000);
    expect(grouper.overflow.count).toBe(99_000);
    const sample = grouper.top(1)[0]?.sample ?? '';
    expect(sample.split('\n')).toHaveLength(4);
  });

  it('redacts the sample and the key', () => {
    const grouper = new ErrorGrouper(redact);
    grouper.add(
      event('Publishing to amqp://connector:s3cret-pass@rabbit:5672 failed with Bearer abc123def456ghi', 1, {
        stack: ['    at publish apiKey=abcd1234secret'],
      }),
    );
    const [group] = grouper.top(1);
    expect(group?.sample).toBe('Publishing to amqp://connector:***@rabbit:5672 failed with Bearer ***\n    at publish apiKey=***');
    expect(group?.key).toBe('Publishing to <url> failed with Bearer ***');
    expect(JSON.stringify(group)).not.toMatch(/s3cret|abc123def456ghi|abcd1234secret/);
  });
});

import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { EXIT_BROKEN, EXIT_START_FAILED, ProcessGuard, UNCAUGHT_FLOOD, type UncaughtKind } from '../../src/process-guard.ts';
import { capturingLogger } from '../support/builders.ts';

function guarded() {
  const target = new EventEmitter();
  const { logger, records } = capturingLogger();
  const counted: UncaughtKind[] = [];
  const exits: number[] = [];
  let clock = 1_000_000;
  const guard = new ProcessGuard({ logger, target, count: (kind) => counted.push(kind), exit: (code) => exits.push(code), now: () => clock });
  guard.install();
  return { target, guard, records, counted, exits, advance: (ms: number) => (clock += ms) };
}

describe('ProcessGuard', () => {
  it('ends the process with exit code 1 and a clear message when an error escapes during start-up', () => {
    const { target, records, exits, counted } = guarded();
    target.emit('unhandledRejection', new Error('engine client failed'), Promise.resolve());
    expect(exits).toEqual([EXIT_START_FAILED]);
    expect(counted).toEqual([]);
    expect(records.at(-1)).toMatchObject({ level: 60, kind: 'unhandledRejection', msg: expect.stringMatching(/^connector-ops could not start/), err: expect.objectContaining({ message: 'engine client failed' }) });
  });

  it('once serving, logs each uncaught error at error level with its stack, counts it by kind, and keeps serving', () => {
    const { target, guard, records, exits, counted } = guarded();
    guard.serving();
    target.emit('uncaughtException', new TypeError("Cannot read properties of null (reading 'ssl_check')"));
    target.emit('unhandledRejection', 'a bare reason', Promise.resolve());
    expect(exits).toEqual([]);
    expect(counted).toEqual(['uncaughtException', 'unhandledRejection']);
    expect(records.filter((r) => r.level === 50)).toEqual([
      expect.objectContaining({ kind: 'uncaughtException', err: expect.objectContaining({ stack: expect.stringContaining('TypeError') }), msg: expect.stringMatching(/keeps serving/) }),
      expect.objectContaining({ kind: 'unhandledRejection', err: 'a bare reason' }),
    ]);
  });

  it(`ends the process with exit code ${EXIT_BROKEN} on ${UNCAUGHT_FLOOD.errors} uncaught errors within ${UNCAUGHT_FLOOD.windowMs / 1000} s, not on as many spread out`, () => {
    const spread = guarded();
    spread.guard.serving();
    for (let i = 0; i < UNCAUGHT_FLOOD.errors * 2; i++) {
      spread.target.emit('uncaughtException', new Error(`bug ${i}`));
      spread.advance(Math.ceil(UNCAUGHT_FLOOD.windowMs / (UNCAUGHT_FLOOD.errors - 1)) + 1);
    }
    expect(spread.exits).toEqual([]);

    const flood = guarded();
    flood.guard.serving();
    for (let i = 0; i < UNCAUGHT_FLOOD.errors; i++) flood.target.emit('uncaughtException', new Error(`bug ${i}`));
    expect(flood.exits).toEqual([EXIT_BROKEN]);
    expect(flood.records.at(-1)).toMatchObject({ level: 60, msg: expect.stringMatching(/broken state; ending it \(exit code 70\)/) });
  });

  it('leaves the process alone once uninstalled', () => {
    const { target, guard } = guarded();
    guard.uninstall();
    expect(target.listenerCount('uncaughtException') + target.listenerCount('unhandledRejection')).toBe(0);
  });
});

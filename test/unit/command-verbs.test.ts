import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfiguredAccess } from '../../src/domain/access.ts';
import { parseCommand, type Command, type CommandOf, type Receivable } from '../../src/domain/command.ts';
import type { ReportRunner } from '../../src/domain/ports.ts';
import { report } from '../../src/domain/report.ts';
import type { Actor } from '../../src/domain/request.ts';
import { positionalsOf, VERBS, type VerbName } from '../../src/domain/verbs.ts';
import type { VerbTable } from '../../src/request/dispatcher.ts';
import { aConnector, memoryKind, NO_ACCESS_SETTINGS, staticDirectory, testDispatcher, testOperations } from '../support/builders.ts';

describe('a command typed by its verb', () => {
  it('names only the verbs of the verb table', () => {
    expectTypeOf<Command['verb']>().toEqualTypeOf<VerbName>();
    expectTypeOf<VerbName>().toEqualTypeOf<(typeof VERBS)[number]['verb']>();
  });

  it('carries what its verb needs, so its handler needs no assertion', () => {
    expectTypeOf<CommandOf<'approve'>['id']>().toEqualTypeOf<string>();
    expectTypeOf<CommandOf<'silence'>>().toMatchObjectType<{ target: string; durationMs: number }>();
    expectTypeOf<CommandOf<'subscribe'>['what']>().toEqualTypeOf<Receivable>();
    expectTypeOf<Parameters<VerbTable['unsubscribe']>[0]['command']>().toEqualTypeOf<CommandOf<'unsubscribe'>>();
    expectTypeOf<CommandOf<'status'>>().not.toHaveProperty('id');
  });

  // The parser checks each word's value; which words a verb cannot do without, its command says (commandOf).
  it.each(VERBS.filter((spec) => positionalsOf(spec).some((word) => word.required)).map((spec) => [spec.verb]))('"%s" with none of its words answers what it needs', (verb) => {
    expect(parseCommand(`/connector ${verb}`)).toMatchObject({ ok: false, problem: expect.stringMatching(new RegExp(`^"${verb}" needs `)) });
  });
});

describe('a decision refused for a role is audited with the request it names', () => {
  const runner: ReportRunner = { run: async () => report([]) };
  const ada: Actor = { platform: 'slack', id: 'U0ADA', displayName: 'Ada' };
  const ACCESS = { ...NO_ACCESS_SETTINGS, operators: ['slack:U0ADA'], approvers: ['slack:U0BOB'] };

  it.each(['/connector-ops approve {id}', '/connector approve  "{ID}"', 'reject {ID} not now', 'cancel {id}'])('typed as %s', async (typed) => {
    const ops = testOperations([memoryKind('restart').spec], ACCESS);
    const path = testDispatcher(staticDirectory([aConnector('main', { container: 'connector-main' })]), runner, { policy: new ConfiguredAccess(ACCESS), operations: ops.service, platforms: ops.platforms });
    await path.ask('/connector restart main', { actor: ada });
    const id = ops.requests.active()[0]?.id ?? '';
    const outsider = { ...ada, id: 'U0EVE', displayName: 'Eve' };
    await path.ask(typed.replace('{id}', id).replace('{ID}', id.toUpperCase()), { actor: outsider });
    expect(ops.audit.list().find((entry) => entry.event === 'refused')).toMatchObject({ requestId: id, connector: 'main', operation: 'restart' });
  });
});

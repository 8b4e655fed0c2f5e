/** probeUrl's own paths on loopback: tcp://, and mongodb:// without the MongoDB integration (TCP to each host). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeUrl } from '../../src/integrations/probes/probe-url.ts';
import { freePort } from '../support/standin.ts';
import { startSilentServer, type RunningServer } from '../support/tls-fixtures.ts';

let listening: RunningServer;
let refused: number;
beforeAll(async () => {
  listening = await startSilentServer();
  refused = await freePort();
});
afterAll(async () => {
  await listening.close();
});

describe('probeUrl on loopback', () => {
  it('tcp://host:port connects', async () => {
    expect(await probeUrl(`tcp://127.0.0.1:${listening.port}`, undefined)).toMatchObject({ ok: true, detail: 'TCP connection accepted' });
    expect(await probeUrl(`tcp://127.0.0.1:${refused}`, undefined)).toMatchObject({ ok: false, kind: 'refused' });
  });

  it('mongodb:// without a MongoDB ping: TCP to every host of the seed list, and says that is all', async () => {
    const uri = `mongodb://connector:db-secret@127.0.0.1:${listening.port},localhost:${listening.port}/connector?replicaSet=rs0`;
    expect(await probeUrl(uri, undefined)).toMatchObject({
      ok: true,
      detail: 'TCP connection accepted by all 2 hosts; no MongoDB ping wired',
    });
    const oneDown = `mongodb://127.0.0.1:${listening.port},127.0.0.1:${refused}/connector`;
    expect(await probeUrl(oneDown, undefined)).toMatchObject({ ok: false, kind: 'refused' });
  });
});

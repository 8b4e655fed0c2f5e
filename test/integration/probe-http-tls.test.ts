/**
 * The HTTP and TLS probes against local servers whose certificates openssl makes at test time:
 * five days left, long expired, and plain HTTP behind an https URL.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHttp } from '../../src/integrations/probes/http.ts';
import { probeTlsCertificate } from '../../src/integrations/probes/tls-certificate.ts';
import { freePort } from '../support/standin.ts';
import { certificateValidFor, createCertificate, startHttpsServer, type RunningServer } from '../support/tls-fixtures.ts';

const FAST = { timeoutMs: 3_000 };

let fiveDays: RunningServer;
let expired: RunningServer;
let plain: RunningServer & { lastHeaders: () => IncomingHttpHeaders | undefined };

beforeAll(async () => {
  fiveDays = await startHttpsServer(await certificateValidFor(5), (_request, response) => {
    response.statusCode = 204;
    response.end();
  });
  expired = await startHttpsServer(await createCertificate({ validFrom: new Date('2020-01-01T00:00:00Z'), validTo: new Date('2020-02-01T00:00:00Z') }));
  let headers: IncomingHttpHeaders | undefined;
  const server = createServer((request, response) => {
    headers = request.headers;
    response.statusCode = request.url === '/down' ? 503 : 200;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  plain = {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
    lastHeaders: () => headers,
  };
});
afterAll(async () => {
  await Promise.all([fiveDays.close(), expired.close(), plain.close()]);
});

describe('probeHttp', () => {
  it('https with a self-signed certificate: the status, the days left and why it does not verify', async () => {
    const result = await probeHttp(`https://localhost:${fiveDays.port}/hooks`, FAST);
    expect(result).toMatchObject({
      ok: true,
      httpStatus: 204,
      certificate: { subject: 'localhost', issuer: 'localhost', verified: false, verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    });
    const days = result.ok ? result.certificate?.daysLeft : undefined;
    expect(days).toBeGreaterThanOrEqual(4);
    expect(days).toBeLessThanOrEqual(5);
  });

  it('an expired certificate is reported with its end date, not refused', async () => {
    const result = await probeHttp(`https://localhost:${expired.port}/`, FAST);
    expect(result).toMatchObject({
      ok: true,
      httpStatus: 200,
      certificate: { validTo: '2020-02-01T00:00:00.000Z', verified: false, verifyError: 'CERT_HAS_EXPIRED' },
    });
    expect(result.ok && result.certificate!.daysLeft).toBeLessThan(-200);
  });

  it('plain http: the status, 5xx included, and no credentials sent from the URL', async () => {
    expect(await probeHttp(`http://user:url-secret@127.0.0.1:${plain.port}/down`, FAST)).toMatchObject({
      ok: true,
      httpStatus: 503,
      detail: 'HTTP 503 Service Unavailable',
    });
    expect(plain.lastHeaders()?.authorization).toBeUndefined();
  });

  it('https to a port that speaks plain HTTP fails the TLS handshake', async () => {
    expect(await probeHttp(`https://127.0.0.1:${plain.port}/`, FAST)).toEqual({
      ok: false,
      kind: 'tls',
      reason: 'TLS handshake failed: wrong version number',
    });
  });

  it('reads only the head of an endless answer, and ending it mid-body raises no stray error', async () => {
    const endless = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024);
      const pump = (): void => {
        while (response.write(chunk));
        response.once('drain', pump);
      };
      pump();
    });
    const closed: Array<Promise<unknown>> = [];
    // Its reset of the server's side (ECONNRESET there) is the server's to handle; only the close counts here.
    endless.on('connection', (socket) => closed.push(new Promise((resolve) => socket.once('close', resolve))));
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    try {
      const result = await probeHttp(`http://127.0.0.1:${(endless.address() as AddressInfo).port}/`, FAST);
      expect(result).toMatchObject({ ok: true, httpStatus: 200 });
      // The server sees the connection end only after the probe's side has closed: an error event of the probe's
      // socket or response would have been emitted (and failed the run as unhandled) by then.
      expect(closed).toHaveLength(1);
      await closed[0];
    } finally {
      endless.closeAllConnections();
      await new Promise<void>((resolve) => endless.close(() => resolve()));
    }
  });

  it('a refused port and an unknown host', async () => {
    expect(await probeHttp(`http://127.0.0.1:${await freePort()}/`, FAST)).toMatchObject({ ok: false, kind: 'refused' });
    expect(await probeHttp('http://no-such-host.invalid/', FAST)).toMatchObject({ ok: false, kind: 'unreachable' });
  });
});

describe('probeTlsCertificate', () => {
  it('reads subject, issuer and days left, with the name to verify given apart from the address', async () => {
    const result = await probeTlsCertificate('127.0.0.1', fiveDays.port, 'localhost', FAST);
    expect(result).toMatchObject({ ok: true, certificate: { subject: 'localhost', issuer: 'localhost', verified: false } });
    expect(result.ok && result.certificate!.daysLeft).toBeGreaterThanOrEqual(4);
  });

  it('counts the days from the clock it is given', async () => {
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000);
    const result = await probeTlsCertificate('127.0.0.1', fiveDays.port, 'localhost', { ...FAST, now: inThreeDays });
    expect(result.ok && result.certificate!.daysLeft).toBe(1);
  });
});

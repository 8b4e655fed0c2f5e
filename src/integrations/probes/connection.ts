import { isIP, type Socket, connect as netConnect } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { certificateOf } from './certificate.ts';
import type { CertificateInfo } from './result.ts';
import type { Endpoint } from './target.ts';
import { ProbeError, type ProbeSession } from './session.ts';

export interface Connection {
  socket: Socket;
  /** TLS only: the server's certificate as seen (verified or not). */
  certificate?: CertificateInfo;
}

/**
 * Opens a TCP or TLS connection. TLS does not reject an untrusted certificate at the handshake: the probe
 * reports what it saw (self-signed, expired, wrong name) and then decides whether to send credentials.
 */
export function openConnection(session: ProbeSession, endpoint: Endpoint): Promise<Connection> {
  session.throwIfAborted();
  return new Promise<Connection>((resolve, reject) => {
    const servername = endpoint.servername ?? (isIP(endpoint.host) ? undefined : endpoint.host);
    const socket: Socket = endpoint.tls
      ? tlsConnect({ host: endpoint.host, port: endpoint.port, servername, rejectUnauthorized: false })
      : netConnect({ host: endpoint.host, port: endpoint.port });
    session.track(socket);
    const onAbort = (): void => fail(session.signal.reason);
    const fail = (error: unknown): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const cleanup = (): void => {
      session.signal.removeEventListener('abort', onAbort);
      socket.off('error', fail);
    };
    session.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    if (endpoint.tls) socket.once('connect', () => (session.stage = 'waiting for the TLS handshake'));
    socket.once(endpoint.tls ? 'secureConnect' : 'connect', () => {
      cleanup();
      // From here errors reach a FrameReader, or end with the session's cleanup; never the process.
      socket.on('error', () => undefined);
      session.stage = 'connected';
      const certificate = endpoint.tls ? certificateOf(socket as TLSSocket, session.now) : undefined;
      resolve(certificate ? { socket, certificate } : { socket });
    });
  });
}

/** Parses one frame from the start of a buffer: the value and how many bytes it took, or undefined when more bytes are needed. */
export type FrameParser<T> = (buffer: Buffer) => { value: T; size: number } | undefined;

/** Reads whole protocol frames from a socket, however TCP splits or joins them. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private closed?: Error;
  private wake?: () => void;
  private readonly socket: Socket;
  private readonly session: ProbeSession;

  constructor(socket: Socket, session: ProbeSession) {
    this.socket = socket;
    this.session = session;
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    socket.on('error', (error) => this.end(error));
    socket.on('close', () => this.end(new ProbeError('reset', 'the server closed the connection')));
    session.signal.addEventListener('abort', () => this.end(toError(session.signal.reason)), { once: true });
  }

  /** Resolves with the next frame; rejects when the connection closes or the time is up first. */
  async next<T>(parse: FrameParser<T>, stage: string): Promise<T> {
    this.session.stage = stage;
    for (;;) {
      const frame = parse(this.buffer);
      if (frame) {
        this.buffer = this.buffer.subarray(frame.size);
        return frame.value;
      }
      if (this.closed) throw this.closed;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  write(data: Buffer): void {
    this.socket.write(data);
  }

  private end(error: Error): void {
    this.closed ??= error;
    this.wake?.();
  }
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

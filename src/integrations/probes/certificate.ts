import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { CertificateInfo } from './result.ts';

const DAY_MS = 86_400_000;

/** The peer certificate of a TLS socket after the handshake, or undefined when the server sent none. */
export function certificateOf(socket: TLSSocket, now: Date): CertificateInfo | undefined {
  const peer = socket.getPeerCertificate();
  if (!peer || Object.keys(peer).length === 0 || !peer.valid_to) return undefined;
  const validTo = new Date(peer.valid_to);
  const verifyError = socket.authorizationError ? String(socket.authorizationError) : undefined;
  return {
    subject: describeName(peer.subject),
    issuer: describeName(peer.issuer),
    validTo: validTo.toISOString(),
    // Whole days, rounded down, so "< 3 days" on this number means the same as on the exact time.
    daysLeft: Math.floor((validTo.getTime() - now.getTime()) / DAY_MS),
    verified: socket.authorized,
    ...(verifyError ? { verifyError } : {}),
  };
}

function describeName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  const common = name.CN;
  if (common) return Array.isArray(common) ? common.join(', ') : common;
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}

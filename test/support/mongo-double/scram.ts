import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

// The server side of SCRAM-SHA-256 (RFC 5802/7677) as mongod runs it over saslStart/saslContinue.
// Passwords here are ASCII test fixtures, so SASLprep leaves them unchanged.

const ITERATIONS = 4096; // the driver refuses fewer

interface Conversation {
  username: string;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
  salt: Buffer;
}

export type ScramStep = { ok: true; payload: string; done: boolean } | { ok: false };

export class ScramServer {
  private conversation: Conversation | undefined;
  private readonly users: Record<string, string>;

  constructor(users: Record<string, string>) {
    this.users = users;
  }

  /** The client-first message `n,,n=user,r=nonce`. Unknown users fail here, as on mongod. */
  start(payload: string): ScramStep {
    const clientFirstBare = payload.replace(/^n,,/, '');
    const fields = parseFields(clientFirstBare);
    const username = (fields.n ?? '').replace(/=2C/g, ',').replace(/=3D/g, '=');
    if (!(username in this.users) || !fields.r) return { ok: false };
    const nonce = fields.r + randomBytes(18).toString('base64');
    const salt = randomBytes(16);
    const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${ITERATIONS}`;
    this.conversation = { username, clientFirstBare, serverFirst, nonce, salt };
    return { ok: true, payload: serverFirst, done: false };
  }

  /** The client-final message `c=biws,r=nonce,p=proof`: verifies the proof and signs the answer. */
  continue(payload: string): ScramStep {
    const conversation = this.conversation;
    this.conversation = undefined;
    if (!conversation) return { ok: false };
    const fields = parseFields(payload);
    if (fields.r !== conversation.nonce || !fields.p) return { ok: false };
    const password = this.users[conversation.username] ?? '';
    const salted = pbkdf2Sync(password, conversation.salt, ITERATIONS, 32, 'sha256');
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = createHash('sha256').update(clientKey).digest();
    const withoutProof = payload.slice(0, payload.indexOf(',p='));
    const authMessage = `${conversation.clientFirstBare},${conversation.serverFirst},${withoutProof}`;
    const clientSignature = hmac(storedKey, authMessage);
    const proof = Buffer.from(fields.p, 'base64');
    if (proof.length !== clientSignature.length) return { ok: false };
    const recoveredKey = Buffer.from(proof.map((byte, i) => byte ^ (clientSignature[i] ?? 0)));
    const recoveredStored = createHash('sha256').update(recoveredKey).digest();
    if (!timingSafeEqual(recoveredStored, storedKey)) return { ok: false };
    const serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
    return { ok: true, payload: `v=${serverSignature.toString('base64')}`, done: true };
  }
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

function parseFields(message: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of message.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) fields[part.slice(0, at)] = part.slice(at + 1);
  }
  return fields;
}

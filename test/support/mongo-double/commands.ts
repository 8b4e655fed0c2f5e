import { Binary, Long, ObjectId, Timestamp, type Document } from 'bson';
import type { DoubleData, DoubleOpTime } from './data.ts';
import { dropDatabase, findDocuments, insert, update } from './documents.ts';
import type { DoubleScript, MemberScript } from './script.ts';
import type { ScramServer } from './scram.ts';

/** What a command handler sees of the double: the scripted state and who is asking where. */
export interface CommandContext {
  script: DoubleScript;
  hosts: string[];
  member: number;
  processId: ObjectId;
  topologyCounter: number;
  connectionId: number;
  users: Record<string, string>;
  scram: ScramServer;
  connection: { authenticated: boolean };
  startedAt: number;
  data: DoubleData;
}

// Commands a client may run before authenticating, as on a mongod started with --auth.
const WITHOUT_AUTH = new Set(['hello', 'ismaster', 'ping', 'buildinfo', 'saslstart', 'saslcontinue', 'endsessions']);

const STATE_CODES: Record<MemberScript['state'], { state: number; stateStr: string }> = {
  PRIMARY: { state: 1, stateStr: 'PRIMARY' },
  SECONDARY: { state: 2, stateStr: 'SECONDARY' },
  RECOVERING: { state: 3, stateStr: 'RECOVERING' },
  DOWN: { state: 8, stateStr: '(not reachable/healthy)' },
};

export function commandName(command: Document): string {
  return Object.keys(command)[0] ?? '';
}

export function answer(db: string, command: Document, context: CommandContext): Document {
  const name = commandName(command);
  const key = name.toLowerCase();
  const requiresAuth = Object.keys(context.users).length > 0 && !WITHOUT_AUTH.has(key);
  if (requiresAuth && !context.connection.authenticated) {
    return failure(13, 'Unauthorized', `command ${name} requires authentication`);
  }
  if (context.script.unauthorised.includes(name)) {
    return failure(13, 'Unauthorized', `not authorized on ${db} to execute command { ${name}: 1 }`);
  }
  switch (key) {
    case 'hello':
    case 'ismaster':
      return hello(command, context, key === 'ismaster');
    case 'ping':
    case 'endsessions':
      return { ok: 1 };
    case 'buildinfo':
      return buildInfo(context.script.version);
    case 'serverstatus':
      return serverStatus(context);
    case 'replsetgetstatus':
      return replSetGetStatus(context);
    case 'dbstats':
      return dbStats(db, context.script);
    case 'listdatabases':
      return listDatabases(context.script);
    case 'find':
      return find(db, command, context);
    case 'insert':
      return writable(context) ? insert(db, command, context.data) : notWritablePrimary();
    case 'update':
      return writable(context) ? update(db, command, context.data) : notWritablePrimary();
    case 'dropdatabase':
      return writable(context) ? dropDatabase(db, context.data) : notWritablePrimary();
    case 'saslstart':
      return saslStart(command, context);
    case 'saslcontinue':
      return saslContinue(command, context);
    default:
      return failure(59, 'CommandNotFound', `no such command: '${name}'`);
  }
}

function failure(code: number, codeName: string, errmsg: string): Document {
  return { ok: 0, errmsg, code, codeName };
}

function member(context: CommandContext): MemberScript {
  return context.script.members[context.member] ?? { state: 'SECONDARY', lagSeconds: 0 };
}

/** Writes go to the primary only; a standalone takes them all. */
function writable(context: CommandContext): boolean {
  return context.script.topology === 'standalone' || member(context).state === 'PRIMARY';
}

function notWritablePrimary(): Document {
  return failure(10107, 'NotWritablePrimary', 'not primary');
}

/** A member's last applied operation: the newest one in the set, or behind it by the member's lag. */
function memberOpTime(script: MemberScript, context: CommandContext): DoubleOpTime {
  const newest = context.data.newest();
  return script.lagSeconds > 0 ? { seconds: newest.seconds - script.lagSeconds, increment: 1, term: newest.term } : newest;
}

function optimeDate(opTime: DoubleOpTime): Date {
  return new Date(opTime.seconds * 1000);
}

function optime(opTime: DoubleOpTime): Document {
  return { ts: new Timestamp({ t: opTime.seconds, i: opTime.increment }), t: Long.fromNumber(opTime.term) };
}

function hello(command: Document, context: CommandContext, legacy: boolean): Document {
  const { script } = context;
  const replicaSet = script.topology === 'replica-set';
  const self = member(context);
  const writable = !replicaSet || self.state === 'PRIMARY';
  const reply: Document = {
    topologyVersion: { processId: context.processId, counter: Long.fromNumber(context.topologyCounter) },
    [legacy ? 'ismaster' : 'isWritablePrimary']: writable,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: context.connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
  };
  if (command.helloOk === true) reply.helloOk = true;
  if (replicaSet) Object.assign(reply, replicaSetHello(context, self));
  if (typeof command.saslSupportedMechs === 'string') {
    const username = command.saslSupportedMechs.slice(command.saslSupportedMechs.indexOf('.') + 1);
    if (username in context.users || script.authFailure) reply.saslSupportedMechs = ['SCRAM-SHA-256'];
  }
  // Speculative authentication (mongod 4.4+): the first SCRAM step rides on the handshake. When it
  // fails the answer just leaves it out and the driver runs saslStart on its own.
  const speculative = command.speculativeAuthenticate as Document | undefined;
  if (speculative?.saslStart) {
    const first = saslStart(speculative, context);
    if (first.ok === 1) reply.speculativeAuthenticate = { conversationId: first.conversationId, done: first.done, payload: first.payload };
  }
  reply.ok = 1;
  return reply;
}

function replicaSetHello(context: CommandContext, self: MemberScript): Document {
  const { script, hosts } = context;
  const primaryIndex = script.members.findIndex((m) => m.state === 'PRIMARY');
  const opTime = memberOpTime(self, context);
  const lastWriteDate = optimeDate(opTime);
  const fields: Document = {
    hosts,
    setName: script.setName,
    setVersion: 1,
    secondary: self.state === 'SECONDARY',
    me: hosts[context.member],
    lastWrite: {
      opTime: optime(opTime),
      lastWriteDate,
      majorityOpTime: optime(opTime),
      majorityWriteDate: lastWriteDate,
    },
  };
  if (primaryIndex >= 0) fields.primary = hosts[primaryIndex];
  // A stable election id per primary keeps the driver from taking it for a stale primary.
  if (self.state === 'PRIMARY') fields.electionId = new ObjectId('7fffffff0000000000000001');
  return fields;
}

function buildInfo(version: string): Document {
  const versionArray = [...version.split('.').map(Number), 0].slice(0, 4);
  return { version, gitVersion: '0'.repeat(40), versionArray, bits: 64, maxBsonObjectSize: 16 * 1024 * 1024, ok: 1 };
}

function serverStatus(context: CommandContext): Document {
  const uptimeMillis = Date.now() - context.startedAt;
  return {
    host: context.hosts[context.member],
    version: context.script.version,
    process: 'mongod',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis: Long.fromNumber(uptimeMillis),
    localTime: new Date(),
    connections: { current: 1, available: 838_859 },
    ok: 1,
  };
}

function replSetGetStatus(context: CommandContext): Document {
  const { script, hosts } = context;
  if (script.topology !== 'replica-set') {
    return failure(76, 'NoReplicationEnabled', 'not running with --replSet');
  }
  const now = new Date();
  const members = script.members.map((m, index) => {
    const code = STATE_CODES[m.state];
    const base = { _id: index, name: hosts[index], ...code };
    if (m.state === 'DOWN') {
      return {
        ...base,
        health: 0,
        uptime: 0,
        optime: { ts: new Timestamp({ t: 0, i: 0 }), t: Long.fromNumber(-1) },
        optimeDate: new Date(0),
        lastHeartbeat: now,
        lastHeartbeatMessage: `Error connecting to ${hosts[index]} :: caused by :: Connection refused`,
        pingMs: Long.fromNumber(0),
      };
    }
    const opTime = memberOpTime(m, context);
    const date = optimeDate(opTime);
    return {
      ...base,
      health: 1,
      uptime: Math.floor((Date.now() - context.startedAt) / 1000),
      optime: optime(opTime),
      optimeDate: date,
      lastAppliedWallTime: date,
      ...(index === context.member ? { self: true } : { lastHeartbeat: now, pingMs: Long.fromNumber(0) }),
    };
  });
  return {
    set: script.setName,
    date: now,
    myState: STATE_CODES[member(context).state].state,
    term: Long.fromNumber(context.data.newest().term),
    heartbeatIntervalMillis: Long.fromNumber(2000),
    optimes: statusOptimes(memberOpTime(member(context), context)),
    members,
    ok: 1,
  };
}

/** replSetGetStatus `optimes` as mongod 4.2+ reports them; here every one is the member's last applied. */
function statusOptimes(applied: DoubleOpTime): Document {
  const wall = optimeDate(applied);
  return {
    lastCommittedOpTime: optime(applied),
    lastCommittedWallTime: wall,
    readConcernMajorityOpTime: optime(applied),
    readConcernMajorityWallTime: wall,
    appliedOpTime: optime(applied),
    durableOpTime: optime(applied),
    lastAppliedWallTime: wall,
    lastDurableWallTime: wall,
  };
}

function dbStats(db: string, script: DoubleScript): Document {
  const { dataSize, storageSize, indexSize, fsUsedSize, fsTotalSize } = script.storage;
  return {
    db,
    collections: 12,
    views: 0,
    objects: 1000,
    avgObjSize: dataSize / 1000,
    dataSize,
    storageSize,
    indexes: 20,
    indexSize,
    totalSize: storageSize + indexSize,
    scaleFactor: 1,
    fsUsedSize,
    fsTotalSize,
    ok: 1,
  };
}

function listDatabases(script: DoubleScript): Document {
  const connector = script.storage.storageSize + script.storage.indexSize;
  const databases = [
    { name: 'admin', sizeOnDisk: 40_960, empty: false },
    { name: 'config', sizeOnDisk: 110_592, empty: false },
    { name: 'local', sizeOnDisk: 4_096_000, empty: false },
    { name: 'connector', sizeOnDisk: connector, empty: false },
  ];
  const totalSize = databases.reduce((sum, d) => sum + d.sizeOnDisk, 0);
  return { databases, totalSize, totalSizeMb: Math.round(totalSize / 1024 / 1024), ok: 1 };
}

/**
 * `find` on local.oplog.rs sorted by $natural: the oldest or newest oplog entry; on any other
 * collection, the documents written to it. One batch holds them all.
 */
function find(db: string, command: Document, context: CommandContext): Document {
  const collection = String(command.find);
  let entries: Document[] = [];
  if (db === 'local' && collection === 'oplog.rs') {
    if (context.script.topology === 'replica-set') entries.push(oplogEnd(command, context));
  } else {
    const found = findDocuments(db, command, context.data);
    if ('error' in found) return found.error;
    entries = found.documents;
  }
  const limit = typeof command.limit === 'number' && command.limit > 0 ? command.limit : entries.length;
  return { cursor: { firstBatch: entries.slice(0, limit), id: Long.ZERO, ns: `${db}.${collection}` }, ok: 1 };
}

function oplogEnd(command: Document, context: CommandContext): Document {
  const last = memberOpTime(member(context), context);
  if ((command.sort as Document | undefined)?.$natural === -1) return oplogEntry(last, optimeDate(last));
  const wall = new Date(optimeDate(last).getTime() - context.script.oplogWindowHours * 3600 * 1000);
  return oplogEntry({ seconds: Math.floor(wall.getTime() / 1000), increment: 1, term: last.term }, wall);
}

function oplogEntry(opTime: DoubleOpTime, wall: Date): Document {
  const { ts, t } = optime(opTime);
  return { op: 'n', ns: '', o: { msg: 'periodic noop' }, ts, t, v: Long.fromNumber(2), wall };
}

function saslStart(command: Document, context: CommandContext): Document {
  if (context.script.authFailure || command.mechanism !== 'SCRAM-SHA-256') return authenticationFailed();
  const step = context.scram.start(payloadText(command.payload));
  if (!step.ok) return authenticationFailed();
  return { conversationId: 1, done: step.done, payload: new Binary(Buffer.from(step.payload)), ok: 1 };
}

function saslContinue(command: Document, context: CommandContext): Document {
  const step = context.scram.continue(payloadText(command.payload));
  if (!step.ok) return authenticationFailed();
  context.connection.authenticated = true;
  return { conversationId: 1, done: step.done, payload: new Binary(Buffer.from(step.payload)), ok: 1 };
}

function payloadText(payload: unknown): string {
  if (payload instanceof Binary) return Buffer.from(payload.buffer.subarray(0, payload.position)).toString('utf8');
  if (payload instanceof Uint8Array) return Buffer.from(payload).toString('utf8');
  return '';
}

function authenticationFailed(): Document {
  return failure(18, 'AuthenticationFailed', 'Authentication failed.');
}

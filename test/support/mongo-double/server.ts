import { createServer, type Server, type Socket } from 'node:net';
import { ObjectId, type Document } from 'bson';
import { answer, commandName, type CommandContext } from './commands.ts';
import { DoubleData } from './data.ts';
import { scenarios, type DoubleScript } from './script.ts';
import { ScramServer } from './scram.ts';
import { MessageReader, OP_MSG, encodeOpMsgReply, encodeOpReply, parseRequest, type Request } from './wire.ts';

export interface MongoDoubleOptions {
  /** Replica set members, each its own listener on 127.0.0.1 (default 3). */
  members?: number;
  /** SCRAM-SHA-256 users; when any is given, commands other than the handshake need authentication. */
  users?: Record<string, string>;
  script?: DoubleScript;
  /** The clock the optime follows until a restore pins it, in milliseconds (default Date.now): a test can move it. */
  clock?: () => number;
}

interface Member {
  port: number;
  processId: ObjectId;
  server: Server | undefined;
  sockets: Set<Socket>;
}

/**
 * A MongoDB server stand-in on loopback that speaks the wire protocol (OP_MSG, and OP_QUERY for the
 * legacy handshake) to the official driver, answering from a script that tests switch at run time.
 * Each replica set member listens on its own port, so the driver discovers and monitors them as it
 * would real members. Documents written through it, and the optime, live in `data`, which a test
 * can snapshot and restore to act out a restore of the deployment.
 */
export class MongoDouble {
  readonly data: DoubleData;
  private script: DoubleScript;
  private topologyCounter = 0;
  private connections = 0;
  private readonly changed = new Set<() => void>();
  private readonly startedAt = Date.now();
  private readonly members: Member[];
  private readonly users: Record<string, string>;

  private constructor(members: Member[], users: Record<string, string>, script: DoubleScript, clock?: () => number) {
    this.data = new DoubleData(clock);
    this.members = members;
    this.users = users;
    this.script = script;
  }

  static async start(options: MongoDoubleOptions = {}): Promise<MongoDouble> {
    const members = Array.from({ length: options.members ?? 3 }, () => ({
      port: 0,
      processId: new ObjectId(),
      server: undefined,
      sockets: new Set<Socket>(),
    }));
    const double = new MongoDouble(members, options.users ?? {}, options.script ?? scenarios.healthySet(), options.clock);
    // Bind every member once to learn its port, then keep only those the script has up.
    for (let i = 0; i < members.length; i++) await double.listen(i);
    await double.applyListening();
    return double;
  }

  /** host:port of every member, in member order. */
  get hosts(): string[] {
    return this.members.map((m) => `127.0.0.1:${m.port}`);
  }

  /**
   * A connection string for the current script: the first member for a standalone; for a replica set
   * every member with `replicaSet`, or only the first with `directConnection=true`.
   */
  uri(options: { seed?: 'all' | 'first'; credentials?: { username: string; password: string } } = {}): string {
    const auth = options.credentials
      ? `${encodeURIComponent(options.credentials.username)}:${encodeURIComponent(options.credentials.password)}@`
      : '';
    if (this.script.topology === 'standalone') return `mongodb://${auth}${this.hosts[0]}/`;
    if (options.seed === 'first') return `mongodb://${auth}${this.hosts[0]}/?directConnection=true`;
    return `mongodb://${auth}${this.hosts.join(',')}/?replicaSet=${this.script.setName}`;
  }

  /** Driver monitors waiting on an awaitable hello right now: one per member once the driver streams. */
  get awaitingMonitors(): number {
    return this.changed.size;
  }

  /** Switches the scripted state; members start or stop listening and awaiting monitors hear of it. */
  async setScript(script: DoubleScript): Promise<void> {
    this.script = script;
    this.topologyCounter += 1;
    for (const wake of [...this.changed]) wake();
    await this.applyListening();
  }

  async stop(): Promise<void> {
    for (let i = 0; i < this.members.length; i++) await this.close(i);
    for (const wake of [...this.changed]) wake();
  }

  private shouldListen(index: number): boolean {
    const { script } = this;
    if (script.refused) return false;
    if (script.topology === 'standalone') return index === 0;
    return script.members[index]?.state !== 'DOWN';
  }

  private async applyListening(): Promise<void> {
    for (let i = 0; i < this.members.length; i++) {
      const member = this.members[i];
      if (!member) continue;
      if (this.shouldListen(i) && !member.server) await this.listen(i);
      if (!this.shouldListen(i) && member.server) await this.close(i);
    }
  }

  private async listen(index: number): Promise<void> {
    const member = this.members[index];
    if (!member) return;
    const server = createServer((socket) => this.serve(index, member, socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // A member that comes back keeps its port, as a restarted mongod does.
      server.listen(member.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address && typeof address === 'object') member.port = address.port;
    member.server = server;
  }

  /** Stops listening and drops open connections: to the driver the member is down. */
  private async close(index: number): Promise<void> {
    const member = this.members[index];
    const server = member?.server;
    if (!member || !server) return;
    member.server = undefined;
    for (const socket of member.sockets) socket.destroy();
    member.sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private serve(index: number, member: Member, socket: Socket): void {
    member.sockets.add(socket);
    const reader = new MessageReader();
    const connectionId = ++this.connections;
    const connection = { authenticated: false };
    const scram = new ScramServer(this.users);
    let queue = Promise.resolve();
    socket.on('close', () => member.sockets.delete(socket));
    socket.on('error', () => socket.destroy()); // clients reset connections when they close
    socket.on('data', (chunk) => {
      let messages: Buffer[];
      try {
        messages = reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const message of messages) {
        queue = queue
          .then(async () => {
            const request = parseRequest(message);
            const context = (): CommandContext => ({
              script: this.script,
              hosts: this.hosts,
              member: index,
              processId: member.processId,
              topologyCounter: this.topologyCounter,
              connectionId,
              users: this.users,
              scram,
              connection,
              startedAt: this.startedAt,
              data: this.data,
            });
            await this.respond(socket, request, context);
          })
          .catch(() => {
            socket.destroy();
          });
      }
    });
  }

  private async respond(socket: Socket, request: Request, context: () => CommandContext): Promise<void> {
    if (this.script.delayMs > 0) await pause(this.script.delayMs, socket);
    if (socket.destroyed) return;
    if (request.opCode !== OP_MSG) {
      socket.write(encodeOpReply(request.requestId, answer(request.db, request.command, context())));
      return;
    }
    if (!isAwaitableHello(request.command)) {
      const reply = answer(request.db, request.command, context());
      if (!request.moreToCome) socket.write(encodeOpMsgReply(request.requestId, reply).bytes);
      return;
    }
    await this.stream(socket, request, context);
  }

  /**
   * The awaitable hello of the driver's monitor: answer when the topology changes or maxAwaitTimeMS
   * passes; with exhaustAllowed, go on answering (moreToCome) until the connection closes.
   */
  private async stream(socket: Socket, request: Request, context: () => CommandContext): Promise<void> {
    const maxAwaitMs = Number(request.command.maxAwaitTimeMS);
    const version = request.command.topologyVersion as Document;
    let seenCounter = Number(version.counter);
    let responseTo = request.requestId;
    for (;;) {
      if (seenCounter === this.topologyCounter) await this.changeOrTimeout(maxAwaitMs, socket);
      if (socket.destroyed) return;
      seenCounter = this.topologyCounter;
      const reply = encodeOpMsgReply(responseTo, answer(request.db, request.command, context()), request.exhaustAllowed);
      socket.write(reply.bytes);
      if (!request.exhaustAllowed) return;
      responseTo = reply.requestId;
    }
  }

  private changeOrTimeout(ms: number, socket: Socket): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.changed.delete(done);
        socket.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.changed.add(done);
      socket.once('close', done);
    });
  }
}

/** The scripted delay of an answer, cut short when the connection closes (the client gave up, or the double stopped). */
function pause(ms: number, socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      socket.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    socket.once('close', done);
  });
}

function isAwaitableHello(command: Document): boolean {
  const name = commandName(command).toLowerCase();
  return (name === 'hello' || name === 'ismaster') && command.topologyVersion != null && command.maxAwaitTimeMS != null;
}

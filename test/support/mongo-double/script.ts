/** The state a replica set member is scripted to be in. DOWN members stop listening. */
export type MemberScriptState = 'PRIMARY' | 'SECONDARY' | 'RECOVERING' | 'DOWN';

export interface MemberScript {
  state: MemberScriptState;
  /** How far this member's last applied operation lies behind the newest one. */
  lagSeconds: number;
}

/** Everything the double answers from; switch it at run time with MongoDouble.setScript. */
export interface DoubleScript {
  topology: 'standalone' | 'replica-set';
  setName: string;
  version: string;
  /** One entry per member; for a standalone only the first member listens. */
  members: MemberScript[];
  /** Every answer is delayed by this much. */
  delayMs: number;
  /** No member listens: connections are refused. */
  refused: boolean;
  /** saslStart answers AuthenticationFailed (code 18) whatever the credentials. */
  authFailure: boolean;
  /** Commands answered with Unauthorized (code 13), as for a user without the clusterMonitor role. */
  unauthorised: string[];
  oplogWindowHours: number;
  storage: { dataSize: number; storageSize: number; indexSize: number; fsUsedSize: number; fsTotalSize: number };
}

const GiB = 1024 ** 3;

function base(): DoubleScript {
  return {
    topology: 'replica-set',
    setName: 'rs0',
    version: '7.0.14',
    members: [
      { state: 'PRIMARY', lagSeconds: 0 },
      { state: 'SECONDARY', lagSeconds: 0 },
      { state: 'SECONDARY', lagSeconds: 0 },
    ],
    delayMs: 0,
    refused: false,
    authFailure: false,
    unauthorised: [],
    oplogWindowHours: 48,
    storage: { dataSize: 2 * GiB, storageSize: 1 * GiB, indexSize: 0.25 * GiB, fsUsedSize: 20 * GiB, fsTotalSize: 100 * GiB },
  };
}

/** The scripted states the database check must tell apart. */
export const scenarios = {
  standalone: (): DoubleScript => ({ ...base(), topology: 'standalone' }),
  healthySet: (): DoubleScript => base(),
  memberDown: (index = 2): DoubleScript => withMember(base(), index, { state: 'DOWN', lagSeconds: 0 }),
  replicationLag: (lagSeconds: number, index = 1): DoubleScript =>
    withMember(base(), index, { state: 'SECONDARY', lagSeconds }),
  noPrimary: (): DoubleScript => withMember(base(), 0, { state: 'SECONDARY', lagSeconds: 0 }),
  slow: (delayMs: number): DoubleScript => ({ ...base(), delayMs }),
  refused: (): DoubleScript => ({ ...base(), refused: true }),
  authFailure: (): DoubleScript => ({ ...base(), authFailure: true }),
};

function withMember(script: DoubleScript, index: number, member: MemberScript): DoubleScript {
  const members = script.members.map((m, i) => (i === index ? member : m));
  return { ...script, members };
}

import net from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Every connection this process tries to a host other than loopback is refused before any lookup, and recorded:
 * the Teams tests prove that the SDK reaches no cloud address (the metadata service of a managed identity, Entra,
 * the Bot Connector). fetch (undici) and node:http both connect through net.Socket.
 */
export function refuseOutsideConnections(): { attempts: string[]; restore(): void } {
  const attempts: string[] = [];
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guarded(this: net.Socket, ...args: unknown[]) {
    const first = args[0] as { host?: string; path?: string } | number | string;
    const host = typeof first === 'object' ? first.host : typeof args[1] === 'string' ? args[1] : undefined;
    const local = typeof first === 'object' ? first.path !== undefined || host === undefined || LOOPBACK.has(host) : host === undefined || LOOPBACK.has(host);
    if (!local) {
      attempts.push(String(host));
      this.destroy(new Error(`test: connection to ${host} refused (loopback only)`));
      return this;
    }
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;
  return { attempts, restore: () => void (net.Socket.prototype.connect = connect) };
}

/**
 * Fronts for the real Mosquitto of the test environment, for what Debian's build cannot show by itself:
 * MQTT over WebSocket (it has no websockets listener) and a broker that speaks MQTT 3.1.1 only.
 */
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer } from 'node:net';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { listen, splice, type RunningServer } from './tls-fixtures.ts';

/** A WebSocket endpoint (any path, subprotocol "mqtt") relaying each connection's bytes to a TCP broker. */
export async function startWebSocketRelay(brokerPort: number, brokerHost = '127.0.0.1'): Promise<RunningServer> {
  const http = createHttpServer((_request, response) => response.writeHead(426).end());
  const server = new WebSocketServer({ server: http });
  server.on('connection', (webSocket) => {
    splice(createWebSocketStream(webSocket), connect(brokerPort, brokerHost));
  });
  return listen(http);
}

/**
 * A relay that answers an MQTT 5 CONNECT as a 3.1.1 broker must (CONNACK return code 1, "unacceptable
 * protocol version", then closing) and passes any other connection through to the broker.
 */
export async function startMqtt311Front(brokerPort: number, brokerHost = '127.0.0.1'): Promise<RunningServer & { refusedVersion5: () => number }> {
  let refused = 0;
  const server = createServer((client) => {
    client.once('data', (first: Buffer) => {
      if (protocolLevel(first) === 5) {
        refused += 1;
        client.end(Buffer.from([0x20, 2, 0, 1]));
        return;
      }
      const upstream = connect(brokerPort, brokerHost);
      upstream.write(first);
      splice(client, upstream);
    });
    client.on('error', () => client.destroy());
  });
  return { ...(await listen(server)), refusedVersion5: () => refused };
}

/** The protocol level byte of a CONNECT that arrived whole: fixed header, remaining length, "MQTT", level. */
function protocolLevel(packet: Buffer): number | undefined {
  let offset = 1;
  while (offset < 5 && (packet[offset]! & 0x80) !== 0) offset += 1;
  return packet[offset + 1 + 6];
}

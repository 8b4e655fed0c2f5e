import { probeUrl, type MongoPing, type ProbeProtocol } from './probe-url.ts';
import type { ProbeOptions, ProbeResult } from './result.ts';
import { probeTlsCertificate } from './tls-certificate.ts';

/** The network probes, as the checks see them: one port, built at the composition root. */
export interface Prober {
  /** Whatever a URL names (http(s), tcp, amqp, mqtt, redis, mongodb), by the protocol given or its scheme. */
  probeUrl(url: string, protocol: ProbeProtocol | undefined, options: ProbeOptions): Promise<ProbeResult>;
  /** The certificate a TLS server presents. */
  tlsCertificate(host: string, port: number, options: ProbeOptions): Promise<ProbeResult>;
}

/** The real probes over the network; mongodb:// URLs go through the driver's ping when one is given. */
export class NetworkProber implements Prober {
  private readonly mongoPing: MongoPing | undefined;

  constructor(mongoPing?: MongoPing) {
    this.mongoPing = mongoPing;
  }

  probeUrl(url: string, protocol: ProbeProtocol | undefined, options: ProbeOptions): Promise<ProbeResult> {
    return probeUrl(url, protocol, { ...options, ...(this.mongoPing && { mongoPing: this.mongoPing }) });
  }

  tlsCertificate(host: string, port: number, options: ProbeOptions): Promise<ProbeResult> {
    return probeTlsCertificate(host, port, undefined, options);
  }
}

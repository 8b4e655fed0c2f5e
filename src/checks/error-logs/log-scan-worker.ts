/**
 * The log scan thread's entry (see LogScanThread): scans connectors' logs as asked, side by side, through its own
 * clients of the configured engines, and hands back what it found. A cancel aborts one scan.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineSettings } from '../../config/config.ts';
import { DockerEngines } from '../../integrations/docker/engines.ts';
import { describeFailure } from '../../integrations/http/timeout.ts';
import { Redactor } from '../../logging/redact.ts';
import type { ErrorLogScan, ErrorLogScanRequest } from './scan.ts';
import { engineLogScanner } from './scanner.ts';

export interface ScanThreadData {
  secrets: string[];
  engines: EngineSettings[];
}

export type ToScanThread = { type: 'scan'; id: number; request: ErrorLogScanRequest } | { type: 'cancel'; id: number; reason: Error };

export type FromScanThread = { id: number; scan: ErrorLogScan } | { id: number; failure: string };

/**
 * The thread's nice value: scanning is background work, and on a busy machine the bot's own thread, which
 * acknowledges chat requests within Slack's and Teams' deadlines, goes first. On Linux a nice value is a thread's
 * own (setpriority of the calling thread); elsewhere it would be the whole process's, so it is left alone there.
 */
const SCAN_NICE = 10;

const port = parentPort;
if (port) {
  if (process.platform === 'linux') setPriority(0, SCAN_NICE);
  const data = workerData as ScanThreadData;
  const redactor = new Redactor(data.secrets);
  // The engines' clients connect at the first scan of a container on them.
  const scanner = engineLogScanner(new DockerEngines(data.engines), redactor);
  const running = new Map<number, AbortController>();
  const reply = (message: FromScanThread): void => port.postMessage(message);
  port.on('message', (message: ToScanThread) => {
    if (message.type === 'cancel') {
      running.get(message.id)?.abort(message.reason);
      return;
    }
    const controller = new AbortController();
    running.set(message.id, controller);
    Promise.resolve()
      .then(() => scanner.scan(message.request, controller.signal))
      .then((scan) => reply({ id: message.id, scan }))
      .catch((error: unknown) => reply({ id: message.id, failure: redactor.redact(describeFailure(error)) }))
      .finally(() => running.delete(message.id));
  });
}

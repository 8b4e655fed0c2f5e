/**
 * The log scan thread's entry (see FileScanThread): scans log files as asked and hands back what it found.
 * Scans run side by side; a cancel aborts one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LogFiles } from '../../integrations/logfiles/log-files.ts';
import { describeFailure } from '../../integrations/http/timeout.ts';
import { Redactor } from '../../logging/redact.ts';
import { scanLogFiles } from './file-scan.ts';
import type { FileScanRequest } from './file-scan.ts';

export type ToScanThread = { type: 'scan'; id: number; request: FileScanRequest } | { type: 'cancel'; id: number };

export type FromScanThread = { id: number; scan: Awaited<ReturnType<typeof scanLogFiles>> } | { id: number; failure: string };

const port = parentPort;
if (port) {
  const redactor = new Redactor((workerData as { secrets: string[] }).secrets);
  const reader = new LogFiles();
  const running = new Map<number, AbortController>();
  const reply = (message: FromScanThread): void => port.postMessage(message);
  port.on('message', (message: ToScanThread) => {
    if (message.type === 'cancel') {
      running.get(message.id)?.abort(new Error('the check was cancelled'));
      return;
    }
    const controller = new AbortController();
    running.set(message.id, controller);
    scanLogFiles(reader, redactor, message.request, controller.signal)
      .then((scan) => reply({ id: message.id, scan }))
      .catch((error: unknown) => reply({ id: message.id, failure: redactor.redact(describeFailure(error)) }))
      .finally(() => running.delete(message.id));
  });
}

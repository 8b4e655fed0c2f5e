/**
 * One error-log scan in a process of its own, so that its peak RSS is measured alone: the check's
 * real code path (Docker log stream → demultiplexer → line splitter → parser → grouper) against a
 * container given by id. Prints one JSON line: scan time, peak RSS and the check result.
 * Usage: node bench/support/scan-child.ts <container>
 */
import { testDockerClient, aConnector, errorLogsCheckOver } from '../../test/support/builders.ts';
import { ContainerLogs } from '../../src/integrations/docker/logs.ts';
import { LogFiles } from '../../src/integrations/logfiles/log-files.ts';

const container = process.argv[2];
if (!container) {
  console.error('usage: scan-child.ts <container>');
  process.exit(2);
}

const check = errorLogsCheckOver({ containerLogs: new ContainerLogs(testDockerClient()), logFiles: new LogFiles() });
const started = performance.now();
const result = await check.run({
  connector: aConnector('bench', { container }),
  signal: AbortSignal.timeout(30 * 60_000),
  now: new Date(),
});
const scanMs = performance.now() - started;
const usage = process.resourceUsage();
// maxRSS is in kilobytes: the peak resident set of this process over its whole life; CPU in µs.
console.log(JSON.stringify({ scanMs, peakRssKb: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, result }));

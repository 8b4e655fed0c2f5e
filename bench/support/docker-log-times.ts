import type { DockerClient } from '../../src/integrations/docker/client.ts';
import { normaliseDockerTime } from '../../src/integrations/docker/log-timestamp.ts';
import { DockerStreamDemuxer } from '../../src/integrations/docker/logs.ts';

/** A line of a container's log and when Docker took it from the container, in ms since the epoch (µs kept). */
export interface LoggedLine {
  at: number;
  text: string;
}

/** `2026-12-01T09:00:00.123456789Z` (normalised) → ms since the epoch, with the fraction below a ms. */
function epochMs(at: string): number {
  return Date.parse(`${at.slice(0, 19)}Z`) + Number(at.slice(20, 29)) / 1e6;
}

/** The container's log as `docker logs --timestamps` shows it (stdout and stderr), from `sinceMs` on. */
export async function timestampedLines(docker: DockerClient, container: string, sinceMs = 0): Promise<LoggedLine[]> {
  const raw = await docker
    .getContainer(container)
    .logs({ stdout: true, stderr: true, follow: false, timestamps: true, since: Math.floor(sinceMs / 1000) });
  // Every frame of the multiplexed stream is one line with its timestamp (json-file and local drivers).
  const text: string[] = [];
  new DockerStreamDemuxer((_stream, chunk, start, end) => text.push(chunk.toString('utf8', start, end))).push(raw);
  return text
    .join('')
    .split('\n')
    .flatMap((line) => {
      const space = line.indexOf(' ');
      const at = normaliseDockerTime(line.slice(0, space));
      return at ? [{ at: epochMs(at), text: line.slice(space + 1) }] : [];
    });
}

/**
 * How far the engine's clock is from this process's (ms, positive: the engine is ahead), from its SystemTime
 * against the middle of the request; the best of a few tries, as the request's own time is the error bar.
 */
export async function engineClockOffset(docker: DockerClient, tries = 5): Promise<{ offsetMs: number; roundTripMs: number }> {
  let best = { offsetMs: Number.NaN, roundTripMs: Infinity };
  for (let i = 0; i < tries; i++) {
    const sent = Date.now();
    const info = (await docker.info()) as { SystemTime?: string };
    const received = Date.now();
    const at = normaliseDockerTime(info.SystemTime ?? '');
    if (!at) throw new Error(`the engine did not tell its time (SystemTime ${info.SystemTime})`);
    if (received - sent < best.roundTripMs) best = { offsetMs: epochMs(at) - (sent + received) / 2, roundTripMs: received - sent };
  }
  return best;
}

import type { IncomingMessage } from 'node:http';
import { addAbortSignal } from 'node:stream';
import { abortable } from '../abortable.ts';
import type { DockerClient } from './client.ts';

/** Credentials for the registry, as the engine takes them in X-Registry-Auth. */
export interface RegistryAuthConfig {
  username: string;
  password: string;
  serveraddress: string;
}

/** A coarse view of a pull, from the engine's progress stream. */
export interface PullProgress {
  phase: 'resolving' | 'downloading' | 'extracting' | 'complete';
  layers: { total: number; done: number };
  /** Downloaded bytes of the layers whose size the engine gave; a fast registry may give none. */
  bytes?: { current: number; total: number };
  /** Of all layers: downloading counts for the first half of each, extracting for the second. */
  percent?: number;
  /** The engine's latest status line, e.g. `Extracting 3c596499d0a1`, `Status: Image is up to date for …`. */
  text: string;
}

export interface PullResult {
  imageId: string;
  /** The manifest digest the engine pulled (`sha256:…`). */
  digest?: string;
  /** The engine had this image already: nothing was downloaded. */
  upToDate: boolean;
}

/** One JSON line of the engine's pull stream. */
interface PullEvent {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

export class ImagePullError extends Error {
  readonly image: string;

  constructor(image: string, reason: string, options?: ErrorOptions) {
    super(`pulling ${image} failed: ${reason}`, options);
    this.image = image;
    this.name = 'ImagePullError';
  }
}

/** `docker pull`: follows the engine's progress stream to its end; an error in the stream rejects. */
export async function pullImage(
  docker: DockerClient,
  image: string,
  onProgress: (progress: PullProgress) => void,
  signal: AbortSignal,
  auth?: RegistryAuthConfig,
): Promise<PullResult> {
  signal.throwIfAborted();
  let stream: IncomingMessage;
  try {
    stream = (await docker.pull(image, { abortSignal: signal, ...(auth && { authconfig: auth }) })) as IncomingMessage;
  } catch (error) {
    throw signal.aborted ? error : new ImagePullError(image, engineMessage(error), { cause: error });
  }
  const tracker = new PullTracker();
  let carry = '';
  for await (const chunk of addAbortSignal(signal, stream) as AsyncIterable<Buffer>) {
    const lines = (carry + chunk.toString('utf8')).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) tracker.push(parseEvent(image, line), onProgress);
  }
  tracker.push(parseEvent(image, carry), onProgress);
  const inspected = await abortable(docker.getImage(image).inspect(), signal);
  return { imageId: inspected.Id, ...(tracker.digest && { digest: tracker.digest }), upToDate: tracker.upToDate };
}

function parseEvent(image: string, line: string): PullEvent | undefined {
  if (!line.trim()) return undefined;
  const event = JSON.parse(line) as PullEvent;
  if (event.error || event.errorDetail) throw new ImagePullError(image, event.errorDetail?.message ?? event.error ?? 'unknown error');
  return event;
}

function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } }).json;
  return json?.message ?? (error as Error).message;
}

type LayerState = { stage: 'waiting' | 'downloading' | 'downloaded' | 'extracting' | 'done'; current: number; total?: number };

const LAYER_STAGES: Record<string, LayerState['stage']> = {
  'Pulling fs layer': 'waiting',
  Waiting: 'waiting',
  Downloading: 'downloading',
  'Verifying Checksum': 'downloaded',
  'Download complete': 'downloaded',
  Extracting: 'extracting',
  'Pull complete': 'done',
  'Already exists': 'done',
};

/** Folds the engine's per-layer events into PullProgress, reported when its coarse figures change. */
export class PullTracker {
  digest?: string;
  upToDate = false;
  private readonly layers = new Map<string, LayerState>();
  private readonly downloads = new Map<string, { current: number; total: number }>();
  private complete = false;
  private reported = '';

  push(event: PullEvent | undefined, onProgress: (progress: PullProgress) => void): void {
    if (!event?.status) return;
    const stage = LAYER_STAGES[event.status];
    if (stage && event.id) this.layerEvent(event.id, stage, event.progressDetail);
    const digest = /^Digest: (sha256:[0-9a-f]{64})/.exec(event.status)?.[1];
    if (digest) this.digest = digest;
    if (event.status.startsWith('Status: ')) {
      this.complete = true;
      this.upToDate = event.status.startsWith('Status: Image is up to date');
    }
    const progress = this.progress(event.id && stage ? `${event.status} ${event.id}` : event.status);
    // Layer events come by the hundred: only a change of the coarse figures is news. Others are few.
    const key = `${progress.phase} ${progress.layers.done}/${progress.layers.total} ${progress.percent}`;
    if (stage && key === this.reported) return;
    this.reported = key;
    onProgress(progress);
  }

  private layerEvent(id: string, stage: LayerState['stage'], detail: PullEvent['progressDetail']): void {
    const total = detail?.total && detail.total > 0 ? detail.total : undefined;
    const moving = stage === 'downloading' || stage === 'extracting';
    this.layers.set(id, { stage, current: moving ? (detail?.current ?? 0) : 0, ...(moving && total && { total }) });
    // Bytes count downloads only: a layer past its download has all of its bytes.
    const download = this.downloads.get(id);
    if (stage === 'downloading' && total) this.downloads.set(id, { current: detail?.current ?? 0, total });
    else if (download && stage !== 'waiting') download.current = download.total;
  }

  private progress(text: string): PullProgress {
    const layers = [...this.layers.values()];
    const done = layers.filter((layer) => layer.stage === 'done').length;
    const downloads = [...this.downloads.values()];
    const bytes = downloads.length > 0
      ? { current: downloads.reduce((sum, d) => sum + d.current, 0), total: downloads.reduce((sum, d) => sum + d.total, 0) }
      : undefined;
    return {
      phase: this.phase(layers),
      layers: { total: layers.length, done },
      ...(bytes && { bytes }),
      ...(layers.length > 0 && { percent: Math.floor((100 * layers.reduce((sum, layer) => sum + layerShare(layer), 0)) / layers.length) }),
      text,
    };
  }

  private phase(layers: LayerState[]): PullProgress['phase'] {
    if (this.complete) return 'complete';
    if (layers.length === 0) return 'resolving';
    if (layers.some((layer) => layer.stage === 'waiting' || layer.stage === 'downloading')) return 'downloading';
    return layers.every((layer) => layer.stage === 'done') ? 'complete' : 'extracting';
  }
}

function layerShare(layer: LayerState): number {
  const fraction = layer.total ? Math.min(layer.current / layer.total, 1) : 0;
  switch (layer.stage) {
    case 'waiting':
      return 0;
    case 'downloading':
      return fraction / 2;
    case 'downloaded':
      return 0.5;
    case 'extracting':
      return 0.5 + fraction / 2;
    case 'done':
      return 1;
  }
}

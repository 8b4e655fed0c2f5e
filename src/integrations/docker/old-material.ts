import type { Dirent } from 'node:fs';
import { glob, lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { abortable } from '../abortable.ts';
import type { DockerClient } from './client.ts';

export interface ImageListing {
  id: string;
  /** `repo:tag` references, without Docker's `<none>:<none>` placeholder. */
  repoTags: string[];
  /** `repo@sha256:…` references; an old image whose tag moved on keeps only these. */
  repoDigests: string[];
  /** The image with all its layers, shared ones included. */
  sizeBytes: number;
  createdAt: Date;
}

export interface ContainerListing {
  id: string;
  name: string;
  /** The image as the container was created from it: a reference, or an id once the tag moved. */
  image: string;
  imageId: string;
  /** created, running, paused, restarting, removing, exited, dead */
  state: string;
  createdAt: Date;
}

export interface OldFile {
  path: string;
  modifiedAt: Date;
  sizeBytes: number;
}

export interface OldFilesScan {
  files: OldFile[];
  unreadable: Array<{ path: string; reason: string }>;
  /** The walk stopped at its bound: there may be more. */
  truncated: boolean;
}

/** What the old-material check looks at on a Docker host: images, containers, and files by age. */
export interface OldMaterialSource {
  images(signal: AbortSignal): Promise<ImageListing[]>;
  containers(signal: AbortSignal): Promise<ContainerListing[]>;
  /** When a stopped container stopped; undefined when it never ran. */
  finishedAt(containerId: string, signal: AbortSignal): Promise<Date | undefined>;
  /** Regular files under the given directories, files or globs last modified before the cutoff. */
  filesOlderThan(patterns: readonly string[], cutoff: Date, signal: AbortSignal): Promise<OldFilesScan>;
}

export interface FileWalkBounds {
  /** Directory entries looked at, over all patterns, before the walk stops. */
  maxEntries: number;
  maxDepth: number;
}

export const DEFAULT_FILE_WALK_BOUNDS: FileWalkBounds = { maxEntries: 20_000, maxDepth: 8 };

// A Go zero time: the container never ran, so it never finished.
const NEVER = '0001-01-01T00:00:00Z';

/** Reads only: lists images and containers, stats files. Removing anything is an operation, not this. */
export class DockerHostOldMaterial implements OldMaterialSource {
  private readonly docker: DockerClient;
  private readonly bounds: FileWalkBounds;

  constructor(
    docker: DockerClient,
    bounds: FileWalkBounds = DEFAULT_FILE_WALK_BOUNDS,
  ) {
    this.docker = docker;
    this.bounds = bounds;
  }

  async images(signal: AbortSignal): Promise<ImageListing[]> {
    const images = await abortable(this.docker.listImages({ abortSignal: signal }), signal);
    return images.map((image) => ({
      id: image.Id,
      // The API gives null or `<none>:<none>` / `<none>@<none>` for what an image does not have.
      repoTags: (image.RepoTags ?? []).filter((ref) => !ref.startsWith('<none>')),
      repoDigests: (image.RepoDigests ?? []).filter((ref) => !ref.startsWith('<none>')),
      sizeBytes: image.Size,
      createdAt: new Date(image.Created * 1000),
    }));
  }

  async containers(signal: AbortSignal): Promise<ContainerListing[]> {
    const containers = await abortable(this.docker.listContainers({ all: true, abortSignal: signal }), signal);
    return containers.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
      image: c.Image,
      imageId: c.ImageID,
      state: c.State,
      createdAt: new Date(c.Created * 1000),
    }));
  }

  async finishedAt(containerId: string, signal: AbortSignal): Promise<Date | undefined> {
    const info = await this.docker.getContainer(containerId).inspect({ abortSignal: signal });
    const finished = info.State.FinishedAt;
    return finished && finished !== NEVER ? new Date(finished) : undefined;
  }

  async filesOlderThan(patterns: readonly string[], cutoff: Date, signal: AbortSignal): Promise<OldFilesScan> {
    const walk = new BoundedWalk(cutoff, signal, this.bounds);
    for (const pattern of patterns) {
      if (walk.full) break;
      if (!isGlob(pattern)) {
        await walk.visit(pattern, 0, true);
        continue;
      }
      try {
        // Breaking out of the loop closes the iterator, so a huge match set is not read to its end.
        for await (const match of glob(pattern)) {
          if (walk.full) break;
          await walk.visit(match, 0, false);
        }
      } catch (error) {
        walk.unreadable(pattern, error);
      }
    }
    return walk.result();
  }
}

/** Depth-first over directories, without following symbolic links below the top (a link to / would walk the host). */
class BoundedWalk {
  private readonly files: OldFile[] = [];
  private readonly failures: Array<{ path: string; reason: string }> = [];
  private readonly seen = new Set<string>();
  private entries = 0;
  full = false;

  private readonly cutoff: Date;
  private readonly signal: AbortSignal;
  private readonly bounds: FileWalkBounds;

  constructor(
    cutoff: Date,
    signal: AbortSignal,
    bounds: FileWalkBounds,
  ) {
    this.cutoff = cutoff;
    this.signal = signal;
    this.bounds = bounds;
  }

  async visit(path: string, depth: number, configured: boolean): Promise<void> {
    if (this.full || this.seen.has(path)) return;
    this.signal.throwIfAborted();
    this.seen.add(path);
    if (++this.entries > this.bounds.maxEntries) {
      this.full = true;
      return;
    }
    let stats;
    try {
      // The named or matched path may itself be a link (e.g. a log directory on another disk): follow it.
      stats = await abortable(depth === 0 ? stat(path) : lstat(path), this.signal);
    } catch (error) {
      // A configured path that is missing is worth saying; a file that vanished mid-walk (rotation) is not.
      if (configured || (error as { code?: string }).code !== 'ENOENT') this.unreadable(path, error);
      return;
    }
    if (stats.isFile() && stats.mtime < this.cutoff) {
      this.files.push({ path, modifiedAt: stats.mtime, sizeBytes: stats.size });
    } else if (stats.isDirectory() && depth < this.bounds.maxDepth) {
      let children: Dirent[];
      try {
        children = await abortable(readdir(path, { withFileTypes: true }), this.signal);
      } catch (error) {
        this.unreadable(path, error);
        return;
      }
      for (const child of children) {
        if (this.full) return;
        if (child.isFile() || child.isDirectory()) await this.visit(join(path, child.name), depth + 1, false);
      }
    }
  }

  unreadable(path: string, error: unknown): void {
    if ((error as Error).name === 'AbortError' || this.signal.aborted) throw error;
    const code = (error as { code?: string }).code;
    const reason =
      code === 'ENOENT' ? 'not found' : code === 'EACCES' || code === 'EPERM' ? 'no permission' : (error as Error).message;
    this.failures.push({ path, reason });
  }

  result(): OldFilesScan {
    const files = [...this.files].sort((a, b) => a.modifiedAt.getTime() - b.modifiedAt.getTime());
    return { files, unreadable: this.failures, truncated: this.full };
  }
}

function isGlob(pattern: string): boolean {
  return /[*?[{]/.test(pattern);
}

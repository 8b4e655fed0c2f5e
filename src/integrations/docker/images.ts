import { abortable } from '../abortable.ts';
import type { DockerClient } from './client.ts';

/** The image a container runs, as the engine knows it. */
export interface ContainerImage {
  /** The reference the container was created from (Config.Image), e.g. `ghcr.io/nmshd/connector:7.4.6`. */
  reference: string;
  /** The local image id (`sha256:…`) the container runs. */
  imageId: string;
  /**
   * `repo@sha256:…` for each registry digest of the image: the manifest digest it was pulled by, or
   * received on push (an image built or imported locally has none until it is pushed).
   */
  repoDigests: string[];
  repoTags: string[];
}

export interface ContainerImageReader {
  containerImage(container: string, signal: AbortSignal): Promise<ContainerImage>;
}

/** Reads a container's image through the Docker API (container inspect, then image inspect). */
export class DockerImages implements ContainerImageReader {
  private readonly docker: DockerClient;

  constructor(docker: DockerClient) {
    this.docker = docker;
  }

  async containerImage(container: string, signal: AbortSignal): Promise<ContainerImage> {
    const inspected = await this.docker.getContainer(container).inspect({ abortSignal: signal });
    const image = await abortable(this.docker.getImage(inspected.Image).inspect(), signal);
    const repoTags = image.RepoTags ?? [];
    // A container created from an image id has no reference in Config.Image; its image's tag is the best name.
    const reference = isImageId(inspected.Config.Image) ? (repoTags[0] ?? inspected.Config.Image) : inspected.Config.Image;
    return {
      reference,
      imageId: image.Id,
      repoDigests: image.RepoDigests ?? [],
      repoTags,
    };
  }
}

function isImageId(reference: string): boolean {
  return /^(sha256:)?[0-9a-f]{12,64}$/.test(reference);
}

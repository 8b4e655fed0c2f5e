import { z } from 'zod';
import { boolean, dockerHost, nonEmpty } from '../values.ts';

/** A Docker engine in the YAML file, as DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH give the default one. */
export const dockerTarget = z
  .object({ host: dockerHost, tlsVerify: boolean.optional(), certPath: nonEmpty.optional() })
  .strict();

export type DockerTarget = z.infer<typeof dockerTarget>;

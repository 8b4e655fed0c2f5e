import { z } from 'zod';
import { connectorName, containerName, httpUrl, mongodbUri, percent, positiveInt } from './values.ts';

const threshold = z
  .object({ warn: percent.default(80), critical: percent.default(90) })
  .refine((t) => t.warn <= t.critical, { message: 'warn must not be above critical' });

const secretOrFile = {
  apiKey: z.string().min(1).optional(),
  apiKeyFile: z.string().min(1).optional(),
};

/** One connector in the YAML file. */
export const connectorSchema = z
  .object({
    name: connectorName,
    container: containerName.optional(),
    url: httpUrl.optional(),
    ...secretOrFile,
    apiKeyHeader: z.string().min(1).default('X-API-KEY'),
    mongodbUri: mongodbUri.optional(),
    mongodbUriFile: z.string().min(1).optional(),
    logFiles: z.array(z.string().min(1)).default([]),
    thirdParty: z.array(z.string().min(1)).default([]),
    backupPath: z.string().min(1).optional(),
    diskPaths: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .refine((c) => c.container !== undefined || c.url !== undefined, {
    message: 'needs a container, a url, or both',
  });

const registrySchema = z
  .object({
    username: z.string().optional(),
    password: z.string().optional(),
    passwordFile: z.string().optional(),
    insecure: z.boolean().default(false),
  })
  .strict();

/** The optional YAML file named by CONNECTOR_OPS_CONFIG, for several connectors and finer settings. */
export const fileSchema = z
  .object({
    // `connectors:` with every entry commented out is null in YAML: the same as none.
    connectors: z.array(connectorSchema).nullish().transform((list) => list ?? []),
    checks: z
      .object({
        timeoutMs: positiveInt.optional(),
        concurrency: positiveInt.optional(),
        resources: z
          .object({
            cpu: threshold.optional(),
            memory: threshold.optional(),
            disk: threshold.optional(),
            paths: z.array(z.string()).optional(),
          })
          .strict()
          .optional(),
        errorLogs: z.object({ windowHours: positiveInt.optional(), timeoutMs: positiveInt.optional() }).strict().optional(),
        imageUpdate: z.object({ includePrereleases: z.boolean().optional() }).strict().optional(),
        sync: z.object({ intervalMultiple: positiveInt.optional(), maxAgeMinutes: positiveInt.optional() }).strict().optional(),
        oldMaterial: z
          .object({ logRetentionDays: positiveInt.optional(), backupRetentionDays: positiveInt.optional() })
          .strict()
          .optional(),
        versions: z
          .object({ minDockerVersion: z.string().optional(), minKernel: z.string().optional() })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
    registries: z.record(z.string(), registrySchema).default({}),
  })
  .strict();

export type FileConfig = z.infer<typeof fileSchema>;
export type Threshold = z.infer<typeof threshold>;

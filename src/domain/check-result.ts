import type { CheckStatus } from './status.ts';

/** The stable ids of the checks, as they appear in the JSON report. */
export const CHECK_IDS = [
  'health',
  'container',
  'resources',
  'image-update',
  'versions',
  'error-logs',
  'key-material',
  'old-material',
  'third-party',
  'database',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export function isCheckId(value: string): value is CheckId {
  return (CHECK_IDS as readonly string[]).includes(value);
}

/** One line of detail under a check result: a label, a value, and optionally its own status. */
export interface CheckDetail {
  label: string;
  value: string;
  status?: CheckStatus;
}

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** One line, fit for a chat summary. */
  summary: string;
  details: CheckDetail[];
}

export function checkResult(
  id: CheckId,
  status: CheckStatus,
  summary: string,
  details: CheckDetail[] = [],
): CheckResult {
  return { id, status, summary, details };
}

import type { CheckData } from './check-data.ts';
import type { Finding } from './finding.ts';
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

/** What one check found for one connector: words for people (summary, details) and, as data, typed findings and readings. */
export type CheckResult<Id extends CheckId = CheckId> = Id extends CheckId ? ResultOf<Id> : never;

interface ResultOf<Id extends CheckId> {
  id: Id;
  status: CheckStatus;
  /** One line, fit for a chat summary. */
  summary: string;
  details: CheckDetail[];
  /** What the check judged, as data (see `Finding`); absent when it found nothing to tell as data. */
  findings?: Array<Finding<Id>>;
  /** What it read, with stable keys (see `DataOf`); absent when it could not look. */
  data?: CheckData<Id>;
}

export function checkResult<Id extends CheckId>(
  id: Id,
  status: CheckStatus,
  summary: string,
  details: CheckDetail[] = [],
  findings: Array<Finding<Id>> = [],
  data?: CheckData<Id>,
): CheckResult<Id> {
  const result: ResultOf<Id> = { id, status, summary, details, ...(findings.length > 0 && { findings }), ...(data !== undefined && { data }) };
  // TypeScript does not resolve the distributive type for a generic id: ResultOf<Id> is its member for that id.
  return result as CheckResult<Id>;
}

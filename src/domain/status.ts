/** The outcome of a check. `unknown` means the check could not look, which is not the same as `critical`. */
export const CHECK_STATUSES = ['ok', 'warn', 'critical', 'unknown'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

// unknown ranks between warn and critical: a check that cannot look hides more than a warning,
// yet it is not proof of a failure.
const RANK: Record<CheckStatus, number> = { ok: 0, warn: 1, unknown: 2, critical: 3 };

export function worstStatus(statuses: Iterable<CheckStatus>): CheckStatus {
  let worst: CheckStatus = 'ok';
  for (const status of statuses) {
    if (RANK[status] > RANK[worst]) worst = status;
  }
  return worst;
}

/** Exit code contract of `connector-ops check`: 0 ok, 1 warn, 2 critical, 3 unknown and nothing worse. */
export function exitCodeFor(status: CheckStatus): number {
  switch (status) {
    case 'ok':
      return 0;
    case 'warn':
      return 1;
    case 'critical':
      return 2;
    case 'unknown':
      return 3;
  }
}

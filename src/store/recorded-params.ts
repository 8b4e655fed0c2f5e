import type { CleanupItem, RecordedParams, ShownPlan } from '../domain/operation.ts';

const ITEM_KINDS: ReadonlySet<string> = new Set<CleanupItem['kind']>(['image', 'container', 'log-file']);

/**
 * The params column of a request, as this version or any earlier one wrote it, read field by field: a field of
 * another type (or a column that is not JSON) is left out, and the run that needs it says so (operations/params.ts).
 */
export function readRecordedParams(json: string): RecordedParams {
  const value = parsed(json);
  if (!isRecord(value)) return {};
  const { force, major, targetVersion, targetImage, currentVersion, items, shown } = value;
  return {
    ...(typeof force === 'boolean' && { force }),
    ...(typeof major === 'boolean' && { major }),
    ...(typeof targetVersion === 'string' && { targetVersion }),
    ...(typeof targetImage === 'string' && { targetImage }),
    ...(typeof currentVersion === 'string' && { currentVersion }),
    ...(Array.isArray(items) && items.every(isCleanupItem) && { items }),
    ...(isShownPlan(shown) && { shown }),
  };
}

function parsed(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCleanupItem(value: unknown): value is CleanupItem {
  return isRecord(value) && typeof value.kind === 'string' && ITEM_KINDS.has(value.kind) && typeof value.id === 'string' && typeof value.name === 'string' && typeof value.bytes === 'number';
}

function isShownPlan(value: unknown): value is ShownPlan {
  return isRecord(value) && Array.isArray(value.lines) && value.lines.every((line) => typeof line === 'string') && (value.warning === undefined || typeof value.warning === 'string');
}

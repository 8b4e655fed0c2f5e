import { describeFailure } from '../integrations/http/timeout.ts';

/** What one part of a check found, or why it could not look; the other parts still report. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export async function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, reason: describeFailure(error) };
  }
}

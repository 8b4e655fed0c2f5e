import type { ApiAnswer } from '../integrations/connector-api/types.ts';

/** Whether the Connector answered the call at all (with any HTTP status): then its process is up. */
export function answered(answer: ApiAnswer<unknown>): boolean {
  return answer.kind !== 'failed' || answer.httpStatus !== undefined;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * A real Connector's /health has no time limit of its own: when the Backbone accepts connections and never
 * answers, /health never answers either, while the other routes do.
 */
export function healthHangText(timedOutMs: number): string {
  return `/health did not answer within ${seconds(timedOutMs)} although the Connector is up (its other routes answer); its Backbone check is the likely cause: the Backbone accepts connections but does not answer`;
}

/** Support runs the Connector's health check, so it hangs whenever /health hangs. */
export function supportFailureText(answer: Extract<ApiAnswer<unknown>, { kind: 'failed' }>): string {
  if (answer.timedOutMs === undefined) return answer.reason;
  return `/Monitoring/Support did not answer within ${seconds(answer.timedOutMs)}: it runs the Connector's health check, which hangs while the Backbone does not answer`;
}

import { httpCall } from './http-call.ts';

/** POSTs a JSON body and resolves with the answer's status once its body has ended; `signal` bounds the whole exchange. */
export async function postJson(url: string, json: string, signal: AbortSignal): Promise<number> {
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) };
  const { response } = await httpCall(new URL(url), { method: 'POST', headers, body: json, signal });
  return response.statusCode ?? 0;
}

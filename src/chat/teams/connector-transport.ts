import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { HttpError, type HttpClient, type HttpRequestConfig, type HttpResponse } from '@microsoft/agents-hosting';
import { httpCall, isHttpUrl } from '../http-call.ts';

type Send = <T>(config: HttpRequestConfig) => Promise<HttpResponse<T>>;

/**
 * The connector client's calls with a JSON body or none, and a JSON answer (posting, updating, deleting activities,
 * creating conversations), go by node:http (`httpCall`) instead of the SDK's fetch. The answer is the SDK's own
 * (its data, status, headers; an HttpError for a status that is not 2xx). Anything else (streams, binary bodies)
 * goes by `fetch`, the SDK's own request.
 */
export function nodeHttpSend(client: HttpClient, fetch: Send): Send {
  return async <T>(config: HttpRequestConfig): Promise<HttpResponse<T>> => {
    const body = jsonBody(config.data);
    if (body === undefined || (config.responseType ?? 'json') !== 'json') return fetch<T>(config);
    const url = new URL(withParams(absolute(client.baseURL, config.url), config.params));
    if (!isHttpUrl(url)) return fetch<T>(config);
    const headers: OutgoingHttpHeaders = { ...client.defaultHeaders, ...lowerCased(config.headers) };
    if (body !== null) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const signal = config.signal ?? (config.timeout ? AbortSignal.timeout(config.timeout) : undefined);
    const answer = await httpCall(url, { method: config.method.toUpperCase(), headers, ...(body !== null && { body }), ...(signal && { signal }) });
    const response: HttpResponse<T> = {
      data: parsed(answer.text) as T,
      status: answer.response.statusCode ?? 0,
      statusText: answer.response.statusMessage ?? '',
      headers: headersOf(answer.response),
      config,
    };
    if (response.status < 200 || response.status > 299) throw new HttpError(`Request failed with status ${response.status}`, response, config);
    return response;
  };
}

/** The body as JSON text, null for none, undefined for a kind this transport leaves to fetch. */
function jsonBody(data: unknown): string | null | undefined {
  if (data === undefined || data === null) return null;
  if (typeof data === 'string' || data instanceof Uint8Array || data instanceof ArrayBuffer || data instanceof URLSearchParams) return undefined;
  if (data instanceof Blob || data instanceof FormData || data instanceof ReadableStream) return undefined;
  return JSON.stringify(data);
}

function absolute(base: string, path: string): string {
  if (/^https?:\/\//.test(path)) return path;
  return `${base.endsWith('/') ? base.slice(0, -1) : base}${path.startsWith('/') ? path : `/${path}`}`;
}

function withParams(url: string, params: Record<string, string | undefined> | undefined): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) if (value !== undefined && value !== null) query.set(key, value);
  const text = query.toString();
  return text ? `${url}${url.includes('?') ? '&' : '?'}${text}` : url;
}

function lowerCased(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function headersOf(response: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

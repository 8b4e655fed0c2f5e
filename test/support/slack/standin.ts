import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BlockLimits } from './blocks.ts';
import { FaultQueues, type FaultTarget, type ScriptedAnswer } from './faults.ts';
import { parseParams, readBody, sendJson, sendText, tokenOf, uploadedBytes, type Params } from './http-body.ts';
import * as payloads from './payloads.ts';
import { ResponseUrls, type ResponseTarget } from './response-url.ts';
import { SocketModeStandin, type SocketOptions } from './socket.ts';
import { StandinState, type ApiCall } from './state.ts';
import { APP_TOKEN_METHODS, fail, webApiMethods, type Answer } from './web-api.ts';
import type { WorkspaceOptions } from './workspace.ts';

export interface SlackStandinOptions {
  /** The bot token the Web API accepts (default `xoxb-0000000001-standin`). */
  botToken?: string;
  /** The app-level token apps.connections.open accepts (default `xapp-1-A0STANDIN1-1-standin`). */
  appToken?: string;
  workspace?: WorkspaceOptions;
  blockLimits?: Partial<BlockLimits>;
  socket?: SocketOptions;
}

/**
 * Slack's side on loopback, for the real Bolt and Web API SDKs: the Web API under `apiUrl` (for
 * `clientOptions.slackApiUrl`), file uploads, response URLs and Socket Mode, everything recorded in
 * order. Nothing it serves or builds points anywhere but 127.0.0.1.
 */
export class SlackStandin extends StandinState implements payloads.PayloadSource {
  readonly botToken: string;
  readonly appToken: string;
  readonly socket: SocketModeStandin;
  private readonly faults = new FaultQueues();
  private readonly responseUrls = new ResponseUrls();
  private readonly server: Server;

  private constructor(options: SlackStandinOptions) {
    super(options.workspace, options.blockLimits);
    this.botToken = options.botToken ?? 'xoxb-0000000001-standin';
    this.appToken = options.appToken ?? 'xapp-1-A0STANDIN1-1-standin';
    this.socket = new SocketModeStandin(() => this.workspace.appId, options.socket);
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => {
      if (!this.socket.handleUpgrade(req, socket, head)) socket.destroy();
    });
  }

  static async start(options: SlackStandinOptions = {}): Promise<SlackStandin> {
    const standin = new SlackStandin(options);
    await new Promise<void>((resolve, reject) => {
      standin.server.once('error', reject);
      standin.server.listen(0, '127.0.0.1', resolve);
    });
    return standin;
  }

  /** `http://127.0.0.1:P/` */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** `http://127.0.0.1:P/api/`, with the trailing slash the SDK needs. */
  get apiUrl(): string {
    return `${this.baseUrl}api/`;
  }

  /** Queues scripted answers for a Web API method, `upload` or `response_url`, used one per request. */
  fault(target: FaultTarget, ...answers: ScriptedAnswer[]): void {
    this.faults.push(target, answers);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** A response URL on the stand-in; `target` says where its answers land (see ResponseTarget). */
  responseUrl(id: string = randomBytes(8).toString('hex'), target: ResponseTarget = {}): string {
    this.responseUrls.register(id, target);
    return `${this.baseUrl}response/${id}`;
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Resolves with the predicate's first truthy value, polling; rejects after `timeoutMs`. */
  async waitFor<T>(predicate: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 3000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await predicate();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`stand-in: condition not met within ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  slashCommand(options?: payloads.SlashCommandOptions): payloads.SlashCommandPayload {
    return payloads.slashCommand(this, options);
  }

  blockActions(options: payloads.BlockActionsOptions): payloads.BlockActionsPayload {
    return payloads.blockActions(this, options);
  }

  appHomeOpened(options?: { user?: string }): payloads.EventCallbackPayload {
    return payloads.appHomeOpened(this, options);
  }

  urlVerification(challenge?: string): payloads.UrlVerificationPayload {
    return payloads.urlVerification(this, challenge);
  }

  async stop(): Promise<void> {
    this.socket.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req);
      const path = new URL(req.url ?? '/', this.baseUrl).pathname;
      const [, kind, id] = /^\/(api|upload\/v1|response)\/([\w.-]+)$/.exec(path) ?? [];
      if (kind === 'api' && id) return await this.webApi(id, req, body, res);
      if (kind === 'upload/v1' && id) return await this.upload(id, req, body, res);
      if (kind === 'response' && id) return await this.response(id, body, res);
      sendText(res, 404, 'not found');
    } catch (error) {
      // A fault in the stand-in itself: visible to the test as a 500, never a hang.
      if (!res.headersSent) sendText(res, 500, `stand-in error: ${String(error)}`);
    }
  }

  private async webApi(method: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const params = await parseParams(req, body).catch(() => undefined);
    const call = this.record(method, params ?? {}, tokenOf(req, params ?? {}));
    const scripted = await this.faults.play(method, res);
    if (scripted) return void Object.assign(call, scripted);
    const answer = params === undefined ? fail('invalid_form_data') : this.answer(method, params, call.token);
    Object.assign(call, { status: 200 }, answer.ok ? {} : { error: answer.error });
    sendJson(res, 200, answer);
  }

  private answer(method: string, params: Params, token: string | undefined): Answer {
    if (!token) return fail('not_authed');
    if (token !== this.botToken && token !== this.appToken) return fail('invalid_auth');
    const handler = webApiMethods[method];
    if (!handler) return fail('unknown_method');
    if ((token === this.appToken) !== APP_TOKEN_METHODS.has(method)) return fail('not_allowed_token_type');
    return handler(params, this, { baseUrl: this.baseUrl, socketUrl: () => this.socket.issueUrl(this.baseUrl) });
  }

  private async upload(fileId: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const content = await uploadedBytes(req, body);
    const call = this.record('upload', { fileId, bytes: content.length }, tokenOf(req, {}));
    const scripted = await this.faults.play('upload', res);
    if (scripted) return void Object.assign(call, scripted);
    const upload = this.uploads.find((candidate) => candidate.fileId === fileId);
    call.status = upload ? 200 : 404;
    if (!upload) return sendText(res, 404, 'not found');
    upload.content = content;
    sendText(res, 200, `OK - ${content.length}`);
  }

  private async response(id: string, body: Buffer, res: ServerResponse): Promise<void> {
    const params = jsonObject(body);
    const call = this.record('response_url', { id, ...params }, undefined);
    const scripted = await this.faults.play('response_url', res);
    if (scripted) return void Object.assign(call, scripted);
    const answer = this.responseUrls.answer(id, params, this);
    call.status = answer.status;
    if (typeof answer.body === 'string') sendText(res, answer.status, answer.body);
    else sendJson(res, answer.status, answer.body);
  }

  private record(method: string, params: Params, token: string | undefined): ApiCall {
    const call: ApiCall = { method, params, time: Date.now(), token };
    this.calls.push(call);
    return call;
  }
}

function jsonObject(body: Buffer): Params | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Params) : undefined;
  } catch {
    return undefined;
  }
}

import { DEFAULT_BLOCK_LIMITS, type Block, type BlockLimits } from './blocks.ts';
import type { Params } from './http-body.ts';
import { createWorkspace, type Workspace, type WorkspaceOptions } from './workspace.ts';

/** What the Slack stand-in was asked and what it holds, in the order it happened. */

export interface ApiCall {
  /** A Web API method (`chat.postMessage`), or `upload` (file bytes) and `response_url` (a POST to one). */
  method: string;
  params: Params;
  /** Date.now() when the request arrived. */
  time: number;
  token: string | undefined;
  /** Filled in when answered: the HTTP status and, for `{ok: false}`, the error. */
  status?: number;
  error?: string;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text: string | undefined;
  /** As stored by Slack: with the `block_id`s and `action_id`s it filled in. */
  blocks: Block[] | undefined;
  threadTs: string | undefined;
  via: 'chat.postMessage' | 'response_url';
  edits: number;
  deleted: boolean;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  ts: string;
  text: string | undefined;
  blocks: Block[] | undefined;
  threadTs: string | undefined;
  via: 'chat.postEphemeral' | 'response_url';
}

export interface Upload {
  fileId: string;
  filename: string;
  length: number;
  /** The bytes POSTed to the upload URL; undefined until then. */
  content: Buffer | undefined;
  completed: boolean;
  title?: string;
  channelId?: string;
  initialComment?: string;
  threadTs?: string;
}

export interface ResponsePost {
  id: string;
  body: Params;
  time: number;
  status: number;
}

export class StandinState {
  readonly workspace: Workspace;
  readonly blockLimits: BlockLimits;
  readonly calls: ApiCall[] = [];
  readonly messages: PostedMessage[] = [];
  readonly ephemerals: EphemeralMessage[] = [];
  readonly uploads: Upload[] = [];
  readonly responses: ResponsePost[] = [];
  /** App Home views published (views.publish), in order. */
  readonly views: Array<{ user: string; view: Record<string, unknown>; time: number }> = [];
  private lastTs = 0;

  constructor(workspace: WorkspaceOptions = {}, blockLimits: Partial<BlockLimits> = {}) {
    this.workspace = createWorkspace(workspace);
    this.blockLimits = { ...DEFAULT_BLOCK_LIMITS, ...blockLimits };
  }

  /** The messages visible in a channel now (not deleted, as last edited), oldest first. */
  messagesIn(channel: string): PostedMessage[] {
    return this.messages.filter((message) => message.channel === channel && !message.deleted);
  }

  ephemeralsIn(channel: string, user?: string): EphemeralMessage[] {
    return this.ephemerals.filter((message) => message.channel === channel && (user === undefined || message.user === user));
  }

  findMessage(channel: string, ts: string): PostedMessage | undefined {
    return this.messages.find((message) => message.channel === channel && message.ts === ts && !message.deleted);
  }

  /** Slack's message timestamps: seconds.microseconds, unique and increasing. */
  nextTs(): string {
    this.lastTs = Math.max(this.lastTs + 1, Date.now() * 1000);
    return `${Math.floor(this.lastTs / 1e6)}.${String(this.lastTs % 1e6).padStart(6, '0')}`;
  }
}

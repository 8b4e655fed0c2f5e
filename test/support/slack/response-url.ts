import type { Params } from './http-body.ts';
import type { StandinState } from './state.ts';
import { messageContent, str } from './web-api.ts';

/**
 * response_url endpoints: each takes JSON `{text, blocks, response_type, replace_original,
 * delete_original, thread_ts}` at most five times (Slack's limit; the sixth use is a 404), and acts
 * on the conversation it was issued for as Slack does: replace or delete the original message,
 * post in the channel (`in_channel`), or else answer the user ephemerally.
 */

/** Where a response URL's answers go: the interaction's channel, user and (for a button) message. */
export interface ResponseTarget {
  channel?: string;
  user?: string;
  messageTs?: string;
  /** The original message is ephemeral (a button in an ephemeral message). */
  ephemeral?: boolean;
}

const MAX_USES = 5;

export class ResponseUrls {
  private readonly urls = new Map<string, { target: ResponseTarget; uses: number }>();

  register(id: string, target: ResponseTarget): void {
    if (!this.urls.has(id)) this.urls.set(id, { target, uses: 0 });
  }

  /** `params`: the JSON body, undefined when it was not JSON. */
  answer(id: string, params: Params | undefined, state: StandinState): { status: number; body: unknown } {
    const url = this.urls.get(id);
    if (!url) return { status: 404, body: 'expired_url' };
    url.uses++;
    if (url.uses > MAX_USES) return { status: 404, body: 'used_url' };
    if (params === undefined) return { status: 400, body: 'invalid_payload' };
    const status = this.apply(url.target, params, state);
    state.responses.push({ id, body: params, time: Date.now(), status: status.status });
    return status;
  }

  private apply(target: ResponseTarget, params: Params, state: StandinState): { status: number; body: unknown } {
    const { channel, user, messageTs } = target;
    if (params.delete_original === true) {
      const original = messageTs && !target.ephemeral ? state.findMessage(channel ?? '', messageTs) : undefined;
      if (original) original.deleted = true;
      return { status: 200, body: { ok: true } };
    }
    const content = messageContent(state, params, true);
    if (!content.ok) return { status: 400, body: content };
    const { text, blocks } = content;
    const threadTs = str(params, 'thread_ts');
    if (params.replace_original === true && messageTs) {
      const original = target.ephemeral
        ? state.ephemerals.find((message) => message.ts === messageTs)
        : state.findMessage(channel ?? '', messageTs);
      if (original) Object.assign(original, { text, blocks }, 'edits' in original ? { edits: original.edits + 1 } : {});
    } else if (channel && params.response_type === 'in_channel') {
      state.messages.push({ channel, ts: state.nextTs(), text, blocks, threadTs, via: 'response_url', edits: 0, deleted: false });
    } else if (channel && user) {
      state.ephemerals.push({ channel, user, ts: state.nextTs(), text, blocks, threadTs, via: 'response_url' });
    }
    return { status: 200, body: { ok: true } };
  }
}

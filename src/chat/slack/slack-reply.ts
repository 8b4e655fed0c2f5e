import type { Message } from '../../domain/message.ts';
import type { PostedMessage, ReplyPort, Visibility } from '../../domain/reply.ts';
import type { Logger } from '../../logging/logger.ts';
import { chartPng } from '../chart/plot.ts';
import { postJson } from '../post-json.ts';
import { redactMessage } from '../redact-message.ts';
import { renderSlack, type SlackRendered } from './render.ts';
import { slackErrorOf, type SlackPoster } from './slack-poster.ts';

export interface SlackReplyOptions {
  /** Bolt's acknowledgement of this delivery. */
  ack: () => Promise<void>;
  /** Where Slack takes answers to this delivery (ephemeral ones included): 5 uses in 30 minutes. */
  responseUrl?: string;
  channel: string;
  poster: SlackPoster;
  /** false: reports and requests too go only to whoever asked. */
  reportsInChannel: boolean;
  logger: Logger;
  redact: (text: string) => string;
}

const RESPONSE_TIMEOUT_MS = 10_000;

/**
 * A Slack delivery's reply port. Posts to the conversation go through chat.postMessage (so they can be
 * updated and replied to in a thread by any later request: their id is `chat:<channel>:<ts>`); private
 * answers through the delivery's response_url, as ephemeral messages. Content over Slack's limits goes along
 * as a file, and a chart as a PNG. Everything posted is redacted first.
 */
export class SlackReply implements ReplyPort {
  private readonly options: SlackReplyOptions;
  private responses = 0;

  constructor(options: SlackReplyOptions) {
    this.options = options;
  }

  acknowledge(): Promise<void> {
    return this.options.ack();
  }

  async post(message: Message, visibility: Visibility): Promise<PostedMessage> {
    const rendered = this.render(message);
    if (visibility === 'private' || !this.options.reportsInChannel) return this.respond(rendered, 'ephemeral');
    try {
      const { ts } = await this.options.poster.call<{ ts: string }>(this.options.channel, 'chat.postMessage', {
        channel: this.options.channel,
        text: rendered.text,
        blocks: rendered.blocks,
      });
      await this.attach(rendered, { ts });
      return { id: `chat:${this.options.channel}:${ts}` };
    } catch (error) {
      // A channel the bot is not in still gets the answer, through the command's response URL.
      const why = slackErrorOf(error);
      if (why === 'not_in_channel' || why === 'channel_not_found') return this.respond(rendered, 'in_channel');
      throw error;
    }
  }

  async update(posted: PostedMessage, message: Message): Promise<void> {
    const rendered = this.render(message);
    const chat = chatRef(posted);
    if (!chat) {
      await this.respond(rendered, 'ephemeral');
      return;
    }
    await this.options.poster.call(chat.channel, 'chat.update', { channel: chat.channel, ts: chat.ts, text: rendered.text, blocks: rendered.blocks });
  }

  async replyInThread(posted: PostedMessage, message: Message): Promise<PostedMessage> {
    const chat = chatRef(posted);
    if (!chat) return this.post(message, 'conversation');
    const rendered = this.render(message);
    const { ts } = await this.options.poster.call<{ ts: string }>(chat.channel, 'chat.postMessage', {
      channel: chat.channel,
      thread_ts: chat.ts,
      text: rendered.text,
      blocks: rendered.blocks,
    });
    await this.attach(rendered, { ts, threadTs: chat.ts });
    return { id: `chat:${chat.channel}:${ts}` };
  }

  private render(message: Message): SlackRendered {
    const redact = this.options.redact;
    return renderSlack(redactMessage(message, redact));
  }

  /**
   * What Block Kit cannot show, uploaded beside a posted message: each chart as a PNG where the message is
   * (in the channel after a post, so that it is seen without opening a thread; in the thread after a reply),
   * and what did not fit into blocks as a text file in the message's thread.
   */
  private async attach(rendered: SlackRendered, message: { ts: string; threadTs?: string }): Promise<void> {
    for (const chart of rendered.charts ?? []) {
      await this.upload({ filename: chart.filename, title: chart.title, content: chartPng(chart.chart) }, message.threadTs, 'a chart');
    }
    if (rendered.overflow) await this.upload(rendered.overflow, message.threadTs ?? message.ts, 'the full text');
  }

  /** One file, through Slack's external upload. A failed upload is logged: the message itself is posted, and posting it again would repeat it. */
  private async upload(file: { filename: string; title: string; content: string | Buffer }, threadTs: string | undefined, what: string): Promise<void> {
    const { channel, poster, logger } = this.options;
    try {
      const upload = await poster.call<{ upload_url: string; file_id: string }>(channel, 'files.getUploadURLExternal', {
        filename: file.filename,
        length: Buffer.byteLength(file.content),
      });
      const sent = await fetch(upload.upload_url, { method: 'POST', body: file.content, signal: AbortSignal.timeout(RESPONSE_TIMEOUT_MS) });
      if (!sent.ok) throw new Error(`upload answered HTTP ${sent.status}`);
      await poster.call(channel, 'files.completeUploadExternal', {
        files: [{ id: upload.file_id, title: file.title }],
        channel_id: channel,
        ...(threadTs && { thread_ts: threadTs }),
      });
    } catch (error) {
      logger.warn({ err: error, channel }, `could not attach ${what} to a Slack message`);
    }
  }

  private async respond(rendered: SlackRendered, type: 'ephemeral' | 'in_channel'): Promise<PostedMessage> {
    const url = this.options.responseUrl;
    // No response URL (a button of the App Home tab): the channel is the direct messages with the person, private as it is.
    if (!url) {
      const { ts } = await this.options.poster.call<{ ts: string }>(this.options.channel, 'chat.postMessage', {
        channel: this.options.channel,
        text: rendered.text,
        blocks: rendered.blocks,
      });
      return { id: `chat:${this.options.channel}:${ts}` };
    }
    const body = JSON.stringify({ response_type: type, replace_original: false, text: rendered.text, blocks: rendered.blocks });
    const status = await postJson(url, body, AbortSignal.timeout(RESPONSE_TIMEOUT_MS));
    if (status < 200 || status > 299) throw new Error(`Slack's response URL answered HTTP ${status}`);
    return { id: `response:${++this.responses}` };
  }
}

function chatRef(posted: PostedMessage): { channel: string; ts: string } | undefined {
  const match = /^chat:([^:]+):(.+)$/.exec(posted.id);
  return match ? { channel: match[1]!, ts: match[2]! } : undefined;
}

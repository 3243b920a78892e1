/**
 * The little of Slack's Web API the app mode uses (chat.postMessage, chat.update), as a port: the real adapter
 * (web-api.ts) calls Slack over fetch; the dry run prints; tests use a local stand-in of Slack.
 */

export interface PostMessageRequest {
  /** Channel ID (C…/G…). */
  channel: string;
  /** Fallback text (notifications, screen readers). */
  text: string;
  blocks: unknown[];
  /** Makes the message a reply in the thread of this top-level message. */
  thread_ts?: string;
}

export interface UpdateRequest {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
}

export interface PostedMessage {
  /** The channel ID Slack answered with. */
  channel: string;
  ts: string;
}

export interface SlackApi {
  postMessage(request: PostMessageRequest): Promise<PostedMessage>;
  update(request: UpdateRequest): Promise<PostedMessage>;
}

/**
 * What the app mode does about a Slack error (`SlackApiError.action`):
 *   retry       transient (rate limited beyond the deadline, 5xx, network): the event is retried by Lambda
 *   repost      the parent is gone or cannot be edited (message_not_found, cant_update_message): post a new one
 *   channel     the channel cannot take posts (channel_not_found, not_in_channel, is_archived): use the default
 *               channel, else email
 *   auth        the token is bad (invalid_auth, not_authed, token_revoked, account_inactive, missing_scope):
 *               nothing goes to Slack; email takes the message if configured
 *   payload     Slack refused the message itself (invalid_blocks, msg_too_long): not retried
 */
export type SlackErrorAction = "retry" | "repost" | "channel" | "auth" | "payload";

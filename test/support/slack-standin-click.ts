/**
 * Clicking a button in the Slack Web API stand-in, as Slack does it (docs.slack.dev/reference/interaction-payloads/
 * block_actions-payload, docs.slack.dev/interactivity/handling-user-interaction, docs.slack.dev/authentication/
 * verifying-requests-from-slack):
 * - only a button the message's latest version really carries can be clicked (a deleted or lost message, or a
 *   button an edit removed, cannot);
 * - the payload: type `block_actions`, user {id, username, name, team_id}, api_app_id, token (the deprecated
 *   verification token), container {type: message, message_ts, channel_id, is_ephemeral, thread_ts for a
 *   reply}, trigger_id, team {id, domain}, enterprise, is_enterprise_install, channel {id, name}, message (as
 *   posted, every block with its block_id: Slack generates the missing ones), state, response_url, actions
 *   [{action_id, block_id, text, value, style, type: button, action_ts}];
 * - sent as `application/x-www-form-urlencoded` with one field, `payload`, holding the JSON;
 * - signed: `X-Slack-Request-Timestamp` (epoch seconds) and `X-Slack-Signature` = `v0=` + hex HMAC-SHA256 of
 *   `v0:<timestamp>:<body>` with the app's signing secret;
 * - a retry (Slack retries when it gets no 200 within 3 seconds) carries `X-Slack-Retry-Num` and
 *   `X-Slack-Retry-Reason`, with the same payload (same action_ts, trigger_id and response_url), signed anew.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { isObject, type Json } from "./slack-standin-answers.js";
import type {
  ClickOptions,
  ClickResult,
  RedeliverOptions,
  StandinApp,
  StandinChannel,
  StandinMessage,
} from "./slack-standin-types.js";

/** Slack's request signature of `body` sent at `timestamp` (epoch seconds). */
export function slackSignature(secret: string, timestamp: string | number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/** The blocks as Slack stores them: every block has a block_id (generated, stable per message and position). */
export function blocksWithIds(channel: string, ts: string, blocks: unknown[]): unknown[] {
  return blocks.map((block, index) => {
    if (!isObject(block) || typeof block.block_id === "string") return structuredClone(block);
    const id = createHash("sha256").update(`${channel}:${ts}:${index}`).digest("base64url").slice(0, 5);
    return { ...structuredClone(block), block_id: id };
  });
}

interface FoundButton {
  button: Json;
  blockId: string;
}

/** The buttons with this action_id: in actions blocks and as section accessories. */
function findButtons(blocks: unknown[], actionId: string): FoundButton[] {
  const found: FoundButton[] = [];
  for (const block of blocks) {
    if (!isObject(block) || typeof block.block_id !== "string") continue;
    const elements = block.type === "actions" && Array.isArray(block.elements) ? block.elements : [];
    const candidates = block.type === "section" ? [block.accessory] : elements;
    for (const element of candidates) {
      if (isObject(element) && element.type === "button" && element.action_id === actionId)
        found.push({ button: element, blockId: block.block_id });
    }
  }
  return found;
}

export interface ClickContext {
  app: StandinApp;
  clock: () => number;
  locate(channel: string, ts: string): { channel: StandinChannel; message: StandinMessage };
  /** A fresh response_url for this click. */
  responseUrl(click: { clickId: string; channel: string; messageTs: string; userId: string }): string;
}

interface Sent {
  payload: Json;
  endpoint: string;
  signingSecret: string;
}

let sequence = 0;

export function createClicker(context: ClickContext) {
  const sent = new Map<string, Sent>();

  function actionTs(): string {
    sequence += 1;
    const seconds = Math.floor(context.clock() / 1000);
    return `${seconds}.${String(sequence % 1_000_000).padStart(6, "0")}`;
  }

  function payloadOf(options: ClickOptions, clickId: string): Json {
    const { channel, message } = context.locate(options.channel, options.ts);
    if (message.deleted)
      throw new Error(`message ${options.ts} in ${channel.id} was deleted: nothing to click`);
    if (message.lost)
      throw new Error(`message ${options.ts} in ${channel.id} is shown nowhere (${message.lost})`);
    const blocks = blocksWithIds(channel.id, message.ts, message.blocks);
    let found = findButtons(blocks, options.actionId);
    if (options.blockId !== undefined) found = found.filter((f) => f.blockId === options.blockId);
    const [match, ...others] = found;
    if (!match) {
      throw new Error(
        `message ${message.ts} in ${channel.id} (version ${message.versions.length}) carries no button with action_id ${options.actionId}`,
      );
    }
    if (others.length > 0)
      throw new Error(`action_id ${options.actionId} is in several blocks of ${message.ts}: give blockId`);
    const { button, blockId } = match;
    const { app } = context;
    const responseUrl = context.responseUrl({
      clickId,
      channel: channel.id,
      messageTs: message.ts,
      userId: options.user.id,
    });
    const thread = message.thread_ts !== undefined ? { thread_ts: message.thread_ts } : {};
    const value = options.tamper?.value ?? button.value;
    const teamId = options.from?.teamId ?? app.teamId;
    const enterpriseId = options.from ? options.from.enterpriseId : app.enterpriseId;
    return {
      type: "block_actions",
      user: {
        id: options.user.id,
        username: options.user.name,
        name: options.user.name,
        team_id: teamId,
      },
      api_app_id: app.apiAppId,
      token: app.verificationToken,
      container: {
        type: "message",
        message_ts: message.ts,
        channel_id: channel.id,
        is_ephemeral: false,
        ...thread,
      },
      trigger_id: `${Math.floor(context.clock() / 1000)}${sequence}.${teamId.slice(1)}.${randomBytes(16).toString("hex")}`,
      team: { id: teamId, domain: options.from ? `workspace-${teamId.toLowerCase()}` : app.teamDomain },
      enterprise: enterpriseId ? { id: enterpriseId, name: `organization ${enterpriseId}` } : null,
      is_enterprise_install: app.isEnterpriseInstall ?? false,
      channel: { id: channel.id, name: channel.private ? "privategroup" : channel.name },
      message: {
        type: "message",
        text: message.text,
        user: message.postedBy.botUserId,
        bot_id: message.postedBy.botId,
        app_id: app.apiAppId,
        ts: message.ts,
        ...thread,
        team: app.teamId,
        blocks,
      },
      state: { values: {} },
      response_url: responseUrl,
      actions: [
        {
          action_id: options.actionId,
          block_id: blockId,
          text: structuredClone(button.text),
          ...(value !== undefined ? { value } : {}),
          ...(button.style !== undefined ? { style: button.style } : {}),
          type: "button",
          action_ts: actionTs(),
        },
      ],
    };
  }

  async function deliver(
    clickId: string,
    entry: Sent,
    options: { timestamp?: number; retry?: number; tamper?: ClickOptions["tamper"] },
  ): Promise<ClickResult> {
    const body = new URLSearchParams({ payload: JSON.stringify(entry.payload) }).toString();
    const timestamp = String(options.timestamp ?? Math.floor(context.clock() / 1000));
    const signature = slackSignature(entry.signingSecret, timestamp, body);
    const tamper = options.tamper ?? {};
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    };
    const stamp = tamper.timestampHeader === undefined ? timestamp : tamper.timestampHeader;
    if (stamp !== null) headers["x-slack-request-timestamp"] = stamp;
    const signed = tamper.signature === undefined ? signature : tamper.signature;
    if (signed !== null) headers["x-slack-signature"] = signed;
    if (options.retry !== undefined) {
      headers["x-slack-retry-num"] = String(options.retry);
      headers["x-slack-retry-reason"] = "http_timeout";
    }
    const sentBody = tamper.body ? tamper.body(body) : body;
    const started = performance.now();
    const response = await fetch(entry.endpoint, { method: "POST", headers, body: sentBody });
    const text = await response.text();
    const ms = performance.now() - started;
    return {
      clickId,
      status: response.status,
      body: text,
      ms,
      payload: entry.payload,
      responseUrl: String(entry.payload.response_url),
      headers,
    };
  }

  return {
    async click(options: ClickOptions): Promise<ClickResult> {
      const clickId = `${Date.now().toString(36)}${(sequence + 1).toString(36)}${randomBytes(6).toString("hex")}`;
      const entry = {
        payload: payloadOf(options, clickId),
        endpoint: options.endpoint,
        signingSecret: options.signingSecret,
      };
      sent.set(clickId, entry);
      return deliver(clickId, entry, options);
    },
    async redeliver(clickId: string, options: RedeliverOptions = {}): Promise<ClickResult> {
      const entry = sent.get(clickId);
      if (!entry) throw new Error(`the stand-in sent no click ${clickId}`);
      return deliver(clickId, entry, { timestamp: options.timestamp, retry: options.retry ?? 1 });
    },
  };
}

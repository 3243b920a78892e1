/**
 * Puts a Slack action on the record where it was clicked: a card (a thread's parent) gets its buttons swapped and
 * a "Last action" fact, a reply or post gets its buttons removed and a line saying who did what; the thread gets a
 * reply. The claim item and the log line are written by the service.
 */
import type { Message, MessageAction } from "../notify/message.js";
import { ACTION_BLOCK_PREFIX } from "../notify/render/slack-blocks.js";
import type { SlackApi } from "../notify/slack-app/api-port.js";
import type { SlackAppChannel } from "../notify/slack-app/channel-types.js";
import { mrkdwn } from "../notify/text.js";
import type { CardStateLine } from "../notify/threads/types.js";
import type { LoggerPort } from "../notify/transports/ports.js";
import type { ActionStore, ClaimRecord } from "./store.js";

export interface RecordOptions {
  /** What was done, as plain text, without the person: "rolled back api: …" (escaped when shown). */
  text: string;
  /** Also a reply in the thread (a rollback's reply is the runner's decision message). */
  reply: boolean;
  /** The buttons the card shows from now on. */
  nextButtons: MessageAction[];
  /** The card's new state line, when the action changes where the story is (a paused deployment continued). */
  state?: CardStateLine;
  at: number;
}

export interface SlackRecorder {
  record(claim: ClaimRecord, options: RecordOptions): Promise<void>;
}

const USER_ID = /^[UW][A-Z0-9]{2,}$/;

function recordMessage(claim: ClaimRecord, headline: string): Message {
  return {
    kind: claim.kind === "rollback" ? "rollback" : "service-action",
    severity: "info",
    category: "slack-action",
    title: headline,
    cause: "",
    evidence: [],
    remediation: [],
    facts: [],
    links: [],
    time: new Date(claim.at).toISOString(),
  };
}

export function slackRecorder(deps: {
  api: SlackApi;
  app: SlackAppChannel;
  store: ActionStore;
  logger: LoggerPort;
}): SlackRecorder {
  const { api, app, store, logger } = deps;
  return {
    async record(claim, { text, reply, nextButtons, state, at }) {
      // The one piece of markup: a mention of the clicker, whose ID came signed from Slack (and is checked).
      const mention = USER_ID.test(claim.by.id) ? `<@${claim.by.id}>` : "someone";
      const shown = `${mention} ${mrkdwn(text, 2800)}`;
      const plain = `${claim.by.name ?? claim.by.id} ${text}`;
      try {
        if (claim.threadKey && claim.parentTs === claim.ts) {
          await app.deliver(recordMessage(claim, plain), {
            channel: claim.channel,
            cardOnly: !reply,
            thread: {
              key: claim.threadKey,
              joinOnly: true,
              patch: {
                at,
                actions: nextButtons,
                facts: [{ label: "Last action", value: plain }],
                ...(state ? { state } : {}),
              },
            },
          });
          return;
        }
        const offer = await store.offer(claim.channel, claim.ts);
        if (offer?.payload) {
          const blocks = offer.payload.blocks.filter(
            (block) =>
              !String((block as { block_id?: unknown }).block_id ?? "").startsWith(ACTION_BLOCK_PREFIX),
          );
          blocks.push({
            type: "context",
            elements: [{ type: "mrkdwn", text: `✔ ${shown}` }],
          });
          await api.update({ channel: claim.channel, ts: claim.ts, text: offer.payload.text, blocks });
        }
        if (reply && claim.parentTs) {
          await api.postMessage({
            channel: claim.channel,
            thread_ts: claim.parentTs,
            text: plain,
            blocks: [{ type: "section", text: { type: "mrkdwn", text: shown } }],
          });
        }
      } catch (error) {
        // The action happened and is recorded in the state table and the log; Slack only shows it.
        logger.error("Could not show a Slack action in Slack", {
          claimId: claim.claimId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },
  };
}

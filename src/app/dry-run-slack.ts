/**
 * Slack app mode in a dry run: the real thread logic (memory thread store) over a Slack API that only prints.
 * Each line says what the message would be in Slack — a new thread's parent, a reply in thread #n, an edit of
 * #n's card, or a post of its own — so `replay --dry-run` shows the thread structure of a story.
 */
import type { Message, SlackPayload } from "../shared/notify/message.js";
import type { PostMessageRequest, SlackApi, UpdateRequest } from "../shared/notify/slack-app/api-port.js";
import {
  buildSlackAppChannel,
  type SlackActivity,
  type SlackAppChannel,
} from "../shared/notify/slack-app/thread-delivery.js";
import { memoryThreadStore } from "../shared/notify/threads/memory-thread-store.js";
import type { LoggerPort } from "../shared/notify/transports/ports.js";

/** The channel a dry run shows when none is configured. */
export const DRY_RUN_CHANNEL = "C0DRYRUN00";

export function printingSlackApp(options: {
  push: (line: string) => void;
  payloads: boolean;
  render: (message: Message) => SlackPayload;
  defaultChannel?: string;
  logger: LoggerPort;
  clock: () => number;
  /** Show the buttons approvers would get (SLACK_APPROVERS set); nothing is recorded. */
  buttons?: boolean;
}): SlackAppChannel {
  const sent = new Map<string, PostMessageRequest | UpdateRequest>();
  const numbers = new Map<string, number>();
  let next = 0;
  const api: SlackApi = {
    async postMessage(request) {
      next += 1;
      const ts = `1700000000.${String(next).padStart(6, "0")}`;
      sent.set(ts, request);
      return { channel: request.channel, ts };
    },
    async update(request) {
      sent.set(`edit:${request.ts}`, request);
      return { channel: request.channel, ts: request.ts };
    },
  };
  const numberOf = (ts: string | undefined) => {
    if (!ts) return "?";
    let n = numbers.get(ts);
    if (n === undefined) {
      n = numbers.size + 1;
      numbers.set(ts, n);
    }
    return `#${n}`;
  };
  const payloadLine = (request: PostMessageRequest | UpdateRequest | undefined) => {
    if (!request) return;
    const payload = { text: request.text, blocks: request.blocks };
    options.push(
      options.payloads
        ? `${JSON.stringify(payload, null, 2).replace(/^/gm, "      ")}\n`
        : `      ${JSON.stringify(payload)}\n`,
    );
  };
  const observe = (activity: SlackActivity) => {
    const where = `in ${activity.channel}`;
    if (activity.kind === "parent") {
      options.push(
        `  → slack: would open thread ${numberOf(activity.ts)} ${where} (${activity.thread}): ${activity.text}\n`,
      );
      payloadLine(sent.get(activity.ts));
    } else if (activity.kind === "reply") {
      options.push(`  → slack: would reply in thread ${numberOf(activity.parentTs)}: ${activity.text}\n`);
      payloadLine(sent.get(activity.ts));
    } else if (activity.kind === "edit") {
      options.push(`  → slack: would edit the card of thread ${numberOf(activity.ts)}: ${activity.text}\n`);
      payloadLine(sent.get(`edit:${activity.ts}`));
    } else {
      const request = sent.get(activity.ts);
      options.push(
        `  → slack: would post ${numberOf(activity.ts)} ${where} (Block Kit, ${request?.blocks.length ?? 0} blocks): ${activity.text}\n`,
      );
      payloadLine(request);
    }
  };
  return buildSlackAppChannel({
    api,
    threads: memoryThreadStore(),
    defaultChannel: options.defaultChannel ?? DRY_RUN_CHANNEL,
    render: options.render,
    logger: options.logger,
    clock: options.clock,
    observe,
    offers: options.buttons ? async () => {} : undefined,
  });
}

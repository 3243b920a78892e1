/**
 * What each channel is sent for a message (pure): Slack's Block Kit, the email, PagerDuty's event, Teams' Adaptive
 * Card, Amazon Q Developer's custom notification. The senders and the dry run render through here alike.
 */
import type { EmailMessage, Message, SlackPayload } from "./message.js";
import {
  type PagerDutyEvent,
  pagerDutyDedupKey,
  pagerDutyResolve,
  pagerDutyTrigger,
} from "./pagerduty/event.js";
import type { ChannelName, ProblemRef } from "./port.js";
import { type ChatbotNotification, chatbotNotification } from "./render/chatbot.js";
import { type TeamsPayload, teamsPayload } from "./render/teams-card.js";
import type { ThreadMeta } from "./threads/types.js";

export type ChannelPayload =
  | SlackPayload
  | EmailMessage
  | PagerDutyEvent
  | TeamsPayload
  | ChatbotNotification;

/** Shown instead of the routing key (a secret) wherever an event is printed. */
export const ROUTING_KEY_PLACEHOLDER = "(PAGERDUTY_ROUTING_KEY)";

export interface RenderContext {
  render: { slack: (message: Message) => SlackPayload; email: (message: Message) => EmailMessage };
  /** The Slack conversation the message belongs to; Amazon Q Developer threads by the one it would open. */
  thread?: ThreadMeta;
  problem?: ProblemRef;
}

/**
 * The thread a message would open in Slack (the first candidate that does not only join): a stop joins its
 * deployment's thread when Slack has one, which a channel without threads of its own cannot know, so it keeps to
 * the incident; a digest joins its incident.
 */
function openingKey(thread: ThreadMeta | undefined): string | undefined {
  let candidate = thread;
  while (candidate?.joinOnly && candidate.fallback) candidate = candidate.fallback;
  return candidate?.key;
}

export function renderFor(channel: ChannelName, message: Message, ctx: RenderContext): ChannelPayload {
  switch (channel) {
    case "slack":
      // A webhook has no interactivity: buttons are for app mode only.
      return ctx.render.slack({ ...message, actions: undefined });
    case "email":
      return ctx.render.email(message);
    case "pagerduty": {
      const key = ctx.problem?.key ?? message.title;
      return ctx.problem?.resolve
        ? pagerDutyResolve(ROUTING_KEY_PLACEHOLDER, pagerDutyDedupKey([key]))
        : pagerDutyTrigger(message, ROUTING_KEY_PLACEHOLDER, pagerDutyDedupKey([key]));
    }
    case "teams":
      return teamsPayload(message);
    case "chatbot": {
      const threadId = openingKey(ctx.thread) ?? ctx.problem?.key;
      return chatbotNotification(message, threadId ? { threadId } : {});
    }
  }
}

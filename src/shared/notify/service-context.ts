/**
 * What the notification service is built from (`NotificationServiceDeps`), and the same with its defaults
 * resolved once (`ServiceContext`): the one value the steps of the pipeline (send.ts, send-digest.ts,
 * digest-sweep.ts) share.
 */
import { loadOnce } from "../load-once.js";
import type { ChannelPayload, RenderContext } from "./channel-render.js";
import type { EmailMessage, Message, SlackPayload } from "./message.js";
import type { PagerDutyChannel } from "./pagerduty/channel.js";
import { CHANNEL_NAMES, type ChannelName } from "./port.js";
import { memoryProblemStore } from "./problems/memory-store.js";
import type { ProblemStore } from "./problems/types.js";
import { DEFAULT_ROUTING, type RoutingConfig, type ServiceOverrides } from "./routing.js";
import type { ServiceTagsLookup } from "./service-tags.js";
import type { SlackAppChannel } from "./slack-app/thread-delivery.js";
import { DEFAULT_THROTTLE_WINDOW_MS } from "./store/throttle-window.js";
import type { NotificationStore, PendingDigest } from "./store/types.js";
import type { ChatbotPort } from "./transports/chatbot.js";
import {
  type Deadline,
  type EmailPort,
  type LoggerPort,
  type SlackPort,
  silentLogger,
} from "./transports/ports.js";
import type { TeamsPort } from "./transports/teams.js";

export interface NotificationChannels {
  /** Incoming-webhook mode: one post per message. */
  slack?: SlackPort;
  /** App mode (wins over the webhook): threads, edits, replies. */
  slackApp?: SlackAppChannel;
  email?: EmailPort;
  /** PagerDuty Events API v2: one incident per problem, resolved when it is over. */
  pagerduty?: PagerDutyChannel;
  /** Microsoft Teams Workflows webhook: an Adaptive Card per message. */
  teams?: TeamsPort;
  /** Amazon Q Developer in chat applications: custom notifications on its SNS topic. */
  chatbot?: ChatbotPort;
}

export interface MessageRenderers {
  slack: (message: Message) => SlackPayload;
  email: (message: Message) => EmailMessage;
  /** Builds the digest message; `digestToMessage` (digest-message.ts) when absent. */
  digest?: (digest: PendingDigest) => Message;
}

/** What each channel is sent for a message, once loaded: a message's channels then render it in order. */
export interface Rendering {
  renderFor: (channel: ChannelName, message: Message, route: Omit<RenderContext, "render">) => ChannelPayload;
  email: (message: Message) => EmailMessage;
}

/** App mode: `all` opens and edits a card for every deployment; `failures` only for those Slack's minimum lets through. */
export type DeploymentCards = "all" | "failures";

export interface NotificationServiceDeps {
  channels: NotificationChannels;
  /** The renderers, or how to load them with the first message rendered (a counted stop renders nothing). */
  render: MessageRenderers | (() => Promise<MessageRenderers>);
  store: NotificationStore;
  routing?: Partial<RoutingConfig>;
  tagsFor?: ServiceTagsLookup;
  clock?: () => number | Date;
  logger?: LoggerPort;
  deadline?: Deadline;
  dryRun?: boolean;
  throttleWindowMs?: number;
  deploymentCards?: DeploymentCards;
  /** Until when a service's alerts are muted from Slack (epoch ms), if they are. */
  mutedUntil?: (serviceArn: string) => Promise<number | undefined>;
  /** Incidents open in PagerDuty; memory when absent (they then last as long as the process). */
  problems?: ProblemStore;
  /** Readable account names (ACCOUNT_NAMES): every message names its account with them. */
  accountNames?: Readonly<Record<string, string>>;
  /** Routing of a whole account (ACCOUNT_ROUTING), under the service's own tags. */
  accountOverrides?: Readonly<Record<string, ServiceOverrides>>;
}

export interface ServiceContext {
  channels: NotificationServiceDeps["channels"];
  /** The renderers and channel-render.ts, loaded with the first message that goes out. */
  rendering: () => Promise<Rendering>;
  /** `render.digest`, else `digestToMessage`. */
  renderDigest: (digest: PendingDigest) => Promise<Message>;
  store: NotificationStore;
  routing: RoutingConfig;
  tagsFor?: ServiceTagsLookup;
  /** Epoch ms. */
  clock: () => number;
  logger: LoggerPort;
  deadline?: Deadline;
  dryRun: boolean;
  throttleWindowMs: number;
  /** The channels configured, in delivery order. */
  enabled: ChannelName[];
  deploymentCards: DeploymentCards;
  mutedUntil?: (serviceArn: string) => Promise<number | undefined>;
  problems: ProblemStore;
  accountNames: Readonly<Record<string, string>>;
  accountOverrides: Readonly<Record<string, ServiceOverrides>>;
}

const CONFIGURED: Record<ChannelName, (channels: NotificationChannels) => boolean> = {
  slack: (channels) => channels.slack !== undefined || channels.slackApp !== undefined,
  email: (channels) => channels.email !== undefined,
  pagerduty: (channels) => channels.pagerduty !== undefined,
  teams: (channels) => channels.teams !== undefined,
  chatbot: (channels) => channels.chatbot !== undefined,
};

/** Rendering loads with the first message that goes out: a counted or duplicate stop never needs it. */
const channelRender = /* @__PURE__ */ loadOnce("the channel renderers", () => import("./channel-render.js"));
const digestMessage = /* @__PURE__ */ loadOnce("the digest message", () => import("./digest-message.js"));

export function serviceContext(deps: NotificationServiceDeps): ServiceContext {
  const given = deps.render;
  const renderers = typeof given === "function" ? given : async () => given;
  return {
    channels: deps.channels,
    rendering: async () => {
      const [{ renderFor }, render] = await Promise.all([channelRender(), renderers()]);
      return {
        renderFor: (channel, message, route) => renderFor(channel, message, { ...route, render }),
        email: render.email,
      };
    },
    renderDigest: async (digest) => {
      const own = (await renderers()).digest;
      return own ? own(digest) : (await digestMessage()).digestToMessage(digest);
    },
    store: deps.store,
    routing: { ...DEFAULT_ROUTING, ...deps.routing },
    tagsFor: deps.tagsFor,
    clock: () => Number(deps.clock ? deps.clock() : Date.now()),
    logger: deps.logger ?? silentLogger,
    deadline: deps.deadline,
    dryRun: deps.dryRun === true,
    throttleWindowMs: deps.throttleWindowMs ?? DEFAULT_THROTTLE_WINDOW_MS,
    enabled: CHANNEL_NAMES.filter((channel) => CONFIGURED[channel](deps.channels)),
    deploymentCards: deps.deploymentCards ?? "all",
    mutedUntil: deps.mutedUntil,
    problems: deps.problems ?? memoryProblemStore(),
    accountNames: deps.accountNames ?? {},
    accountOverrides: deps.accountOverrides ?? {},
  };
}

/**
 * What the notification service is built from (`NotificationServiceDeps`), and the same with its defaults
 * resolved once (`ServiceContext`): the one value the steps of the pipeline (send.ts, send-digest.ts,
 * digest-sweep.ts) share.
 */
import { digestToMessage } from "./digest-message.js";
import type { EmailMessage, Message, SlackPayload } from "./message.js";
import type { ChannelName } from "./port.js";
import { DEFAULT_ROUTING, type RoutingConfig } from "./routing.js";
import type { ServiceTagsLookup } from "./service-tags.js";
import type { SlackAppChannel } from "./slack-app/thread-delivery.js";
import { DEFAULT_THROTTLE_WINDOW_MS } from "./store/throttle-window.js";
import type { NotificationStore, PendingDigest } from "./store/types.js";
import {
  type Deadline,
  type EmailPort,
  type LoggerPort,
  type SlackPort,
  silentLogger,
} from "./transports/ports.js";

export interface NotificationChannels {
  /** Incoming-webhook mode: one post per message. */
  slack?: SlackPort;
  /** App mode (wins over the webhook): threads, edits, replies. */
  slackApp?: SlackAppChannel;
  email?: EmailPort;
}

/** App mode: `all` opens and edits a card for every deployment; `failures` only for those Slack's minimum lets through. */
export type DeploymentCards = "all" | "failures";

export interface NotificationServiceDeps {
  channels: NotificationChannels;
  render: {
    slack: (message: Message) => SlackPayload;
    email: (message: Message) => EmailMessage;
    /** Builds the digest message; `digestToMessage` when absent. */
    digest?: (digest: PendingDigest) => Message;
  };
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
}

export interface ServiceContext {
  channels: NotificationServiceDeps["channels"];
  render: NotificationServiceDeps["render"];
  /** `render.digest`, else `digestToMessage`. */
  renderDigest: (digest: PendingDigest) => Message;
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
}

export function serviceContext(deps: NotificationServiceDeps): ServiceContext {
  return {
    channels: deps.channels,
    render: deps.render,
    renderDigest: deps.render.digest ?? digestToMessage,
    store: deps.store,
    routing: { ...DEFAULT_ROUTING, ...deps.routing },
    tagsFor: deps.tagsFor,
    clock: () => Number(deps.clock ? deps.clock() : Date.now()),
    logger: deps.logger ?? silentLogger,
    deadline: deps.deadline,
    dryRun: deps.dryRun === true,
    throttleWindowMs: deps.throttleWindowMs ?? DEFAULT_THROTTLE_WINDOW_MS,
    enabled: (["slack", "email"] as const).filter((channel) =>
      channel === "slack"
        ? deps.channels.slack !== undefined || deps.channels.slackApp !== undefined
        : deps.channels.email !== undefined,
    ),
    deploymentCards: deps.deploymentCards ?? "all",
    mutedUntil: deps.mutedUntil,
  };
}

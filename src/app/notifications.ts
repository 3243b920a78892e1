/**
 * Composition of the notification side: the channels the configuration enables (Slack, email), the state store
 * that de-duplicates and throttles, and the notification service built from them.
 */

import type { ECSClient } from "@aws-sdk/client-ecs";
import { loadOnce } from "../shared/load-once.js";
import type { Log } from "../shared/log.js";
import { meteredNotifications } from "../shared/metrics/notifications.js";
import { routingKeySource, teamsWebhookSource } from "../shared/notify/channel-secrets.js";
import { buildNotificationService } from "../shared/notify/notifier.js";
import type { NotificationService } from "../shared/notify/outcomes.js";
import { dynamoProblemStore } from "../shared/notify/problems/dynamo-store.js";
import { memoryProblemStore } from "../shared/notify/problems/memory-store.js";
import type { ProblemStore } from "../shared/notify/problems/types.js";
import type { RoutingConfig } from "../shared/notify/routing.js";
import type { MessageRenderers, NotificationChannels } from "../shared/notify/service-context.js";
import { buildServiceTagsLookup, type ServiceTagsLookup } from "../shared/notify/service-tags.js";
import type { SlackAppChannel } from "../shared/notify/slack-app/thread-delivery.js";
import {
  dynamoNotificationStore,
  memoryStore,
  type NotificationStore,
} from "../shared/notify/store/index.js";
import { webhookUrlSource } from "../shared/notify/webhook-secret.js";
import { botTokenSource } from "../shared/secret-source.js";
import type { ActionStore } from "../shared/slack-actions/store.js";
import { buttonsEnabled, configuredActionStore } from "./action-store.js";
import { dynamoDocumentClient, secretsClient, ssmClient } from "./aws.js";
import type { Config } from "./config.js";
import { clientsForConfig, scopeOfArn } from "./member-access.js";
import type { RuntimeOptions } from "./runtime.js";

export { buttonsEnabled, configuredActionStore } from "./action-store.js";

/** A mute set from Slack, read at most every 30 s per service and container (a read per message otherwise). */
export function cachedMutes(actions: ActionStore, clock: () => number = Date.now) {
  const cache = new Map<string, { until: number | undefined; readAt: number }>();
  return async (serviceArn: string): Promise<number | undefined> => {
    const hit = cache.get(serviceArn);
    if (hit && clock() - hit.readAt < 30_000) return hit.until;
    const until = (await actions.mutedUntil(serviceArn))?.until;
    if (cache.size > 1000) cache.clear();
    cache.set(serviceArn, { until, readAt: clock() });
    return until;
  };
}

/** Slack's blocks and the email, loaded with the first message that goes out (a counted stop renders nothing). */
const messageRenderers = /* @__PURE__ */ loadOnce(
  "the message renderers",
  async (): Promise<MessageRenderers> => {
    const { renderEmail, renderSlack } = await import("../shared/notify/render/index.js");
    return { slack: renderSlack, email: renderEmail };
  },
);

type ChannelAdapters = typeof import("./channel-adapters.js");

/** The channel adapters' module, loaded with the first message any channel carries. */
const channelAdapters = (() => {
  let loading: Promise<ChannelAdapters> | undefined;
  return (): Promise<ChannelAdapters> => {
    loading ??= import("./channel-adapters.js").catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
})();

/** A port built on its first call (its adapter module loads then), the same port ever after. */
function builtOnFirstCall<T>(build: (adapters: ChannelAdapters) => T): () => Promise<T> {
  let port: T | undefined;
  return async () => {
    port ??= build(await channelAdapters());
    return port;
  };
}

/** A one-function port whose adapter is built on first call. */
function lazyPort<A, R>(build: (adapters: ChannelAdapters) => (argument: A) => Promise<R>) {
  const port = builtOnFirstCall(build);
  return async (argument: A): Promise<R> => (await port())(argument);
}

/** PagerDuty, Microsoft Teams and Amazon Q Developer, where the configuration names them. */
function otherChannels(config: Config, options: RuntimeOptions): NotificationChannels {
  const secrets = { secretsManager: secretsClient, ssm: ssmClient, logger: options.log };
  const routingKey = routingKeySource(
    { value: config.pagerDutyRoutingKey, from: config.pagerDutyRoutingKeyFrom },
    secrets,
  );
  const teamsUrl = teamsWebhookSource(
    { value: config.teamsWebhookUrl, from: config.teamsWebhookUrlFrom },
    secrets,
  );
  const topicArn = config.chatbotTopicArn;
  const pagerDuty = routingKey
    ? builtOnFirstCall((adapters) => adapters.pagerDutyChannel(config, options, routingKey))
    : undefined;
  return {
    ...(pagerDuty
      ? {
          pagerduty: {
            trigger: async (message, problemKey) => (await pagerDuty()).trigger(message, problemKey),
            resolve: async (problemKey) => (await pagerDuty()).resolve(problemKey),
          },
        }
      : {}),
    ...(teamsUrl ? { teams: lazyPort((adapters) => adapters.teamsChannel(options, teamsUrl)) } : {}),
    ...(topicArn ? { chatbot: lazyPort((adapters) => adapters.chatbotChannel(options, topicArn)) } : {}),
  };
}

/**
 * App mode (a bot token and a channel): the token's source is checked now (a bad SLACK_BOT_TOKEN fails at cold
 * start); the Web API and the threads are built with the first message.
 */
function lazySlackApp(config: Config, options: RuntimeOptions): SlackAppChannel | undefined {
  const secrets = { secretsManager: secretsClient, ssm: ssmClient, logger: options.log };
  const token = botTokenSource(
    { SLACK_BOT_TOKEN: config.slackBotToken, SLACK_BOT_TOKEN_FROM: config.slackBotTokenFrom },
    secrets,
  );
  const channel = config.slackChannel;
  if (!token || !channel) return undefined;
  const app = builtOnFirstCall((adapters) =>
    adapters.slackAppChannel(config, options, adapters.slackWebApi(config, options, token), channel),
  );
  return {
    deliver: async (message, route) => (await app()).deliver(message, route),
    touch: async (message, route) => (await app()).touch(message, route),
  };
}

/**
 * The channels the configuration enables: Slack (app mode, else the webhook), email (SNS topic), PagerDuty,
 * Microsoft Teams and Amazon Q Developer. Secrets and settings are checked here, at cold start; each adapter is
 * built with the first message its channel carries (channel-adapters.ts).
 */
export function configuredChannels(config: Config, options: RuntimeOptions): NotificationChannels {
  const topicArn = config.notifyTopicArn;
  const email = topicArn ? lazyPort((adapters) => adapters.emailChannel(options, topicArn)) : undefined;
  const others = otherChannels(config, options);
  const slackApp = lazySlackApp(config, options);
  const webhookConfigured = Boolean(config.slackWebhookUrl || config.slackWebhookUrlFrom);
  if (slackApp) {
    if (webhookConfigured)
      options.log.info("Slack app mode (bot token) wins over the webhook, which is not used");
    return { slackApp, email, ...others };
  }
  const url = webhookUrlSource(
    { SLACK_WEBHOOK_URL: config.slackWebhookUrl, SLACK_WEBHOOK_URL_FROM: config.slackWebhookUrlFrom },
    { secretsManager: secretsClient, ssm: ssmClient, logger: options.log },
  );
  return {
    slack: url ? lazyPort((adapters) => adapters.slackWebhookChannel(options, url)) : undefined,
    email,
    ...others,
  };
}

/** Incidents open in PagerDuty: the state table, or memory for local runs without one. */
export function configuredProblemStore(config: Config): ProblemStore {
  return config.stateTable
    ? dynamoProblemStore(dynamoDocumentClient(), config.stateTable)
    : memoryProblemStore();
}

/** A service's routing tags, read in its own account and region (an Organization hub's member role). */
function scopedTagsLookup(config: Config, log: Log): ServiceTagsLookup {
  const clientsFor = clientsForConfig(config);
  const lookups = new Map<ECSClient, ServiceTagsLookup>();
  return (serviceArn) => {
    const { ecs } = clientsFor(scopeOfArn(serviceArn));
    let lookup = lookups.get(ecs);
    if (!lookup) {
      lookup = buildServiceTagsLookup(ecs, { logger: log });
      lookups.set(ecs, lookup);
    }
    return lookup(serviceArn);
  };
}

/** Every channel's minimum severity. */
export function routingOf(config: Config): RoutingConfig {
  return {
    slackMinSeverity: config.slackMinSeverity,
    emailMinSeverity: config.emailMinSeverity,
    pagerdutyMinSeverity: config.pagerdutyMinSeverity,
    teamsMinSeverity: config.teamsMinSeverity,
    chatbotMinSeverity: config.chatbotMinSeverity,
  };
}

export function configuredStore(config: Config, log: Log): NotificationStore {
  if (config.stateTable) return dynamoNotificationStore(dynamoDocumentClient(), config.stateTable);
  log.warn("STATE_TABLE is not set: de-duplication and flood control only last as long as this process");
  return memoryStore();
}

export function buildNotifications(
  config: Config,
  options: RuntimeOptions & {
    channels?: NotificationChannels;
    store?: NotificationStore;
  },
): NotificationService {
  const channels = options.channels ?? configuredChannels(config, options);
  if (Object.values(channels).every((channel) => channel === undefined)) {
    options.log.warn(
      "no notification channel configured (SLACK_BOT_TOKEN(_FROM) + SLACK_CHANNEL, SLACK_WEBHOOK_URL(_FROM), NOTIFY_TOPIC_ARN, PAGERDUTY_ROUTING_KEY(_FROM), TEAMS_WEBHOOK_URL(_FROM), CHATBOT_TOPIC_ARN)",
    );
  }
  const service = buildNotificationService({
    channels,
    render: messageRenderers,
    store: options.store ?? configuredStore(config, options.log),
    routing: routingOf(config),
    tagsFor: scopedTagsLookup(config, options.log),
    logger: options.log,
    deadline: options.deadline,
    throttleWindowMs: config.throttleWindowMinutes * 60_000,
    deploymentCards: config.slackDeploymentCards,
    mutedUntil: buttonsEnabled(config) ? cachedMutes(configuredActionStore(config)) : undefined,
    problems: channels.pagerduty ? configuredProblemStore(config) : undefined,
    accountNames: config.accountNames,
    accountOverrides: config.accountRouting,
  });
  return options.metrics ? meteredNotifications(service, options.metrics) : service;
}

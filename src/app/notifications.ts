/**
 * Composition of the notification side: the channels the configuration enables (Slack, email), the state store
 * that de-duplicates and throttles, and the notification service built from them.
 */

import type { Log } from "../shared/log.js";
import { buildNotificationService } from "../shared/notify/notifier.js";
import type { NotificationService } from "../shared/notify/outcomes.js";
import { renderEmail, renderSlack } from "../shared/notify/render/index.js";
import type { NotificationChannels } from "../shared/notify/service-context.js";
import { buildServiceTagsLookup } from "../shared/notify/service-tags.js";
import type { SlackApi } from "../shared/notify/slack-app/api-port.js";
import { buildSlackAppChannel, type SlackAppChannel } from "../shared/notify/slack-app/thread-delivery.js";
import { buildSlackWebApi } from "../shared/notify/slack-app/web-api.js";
import {
  dynamoNotificationStore,
  memoryStore,
  type NotificationStore,
} from "../shared/notify/store/index.js";
import { dynamoThreadStore } from "../shared/notify/threads/dynamo-thread-store.js";
import { memoryThreadStore } from "../shared/notify/threads/memory-thread-store.js";
import type { ThreadStore } from "../shared/notify/threads/types.js";
import { buildSlackNotifier } from "../shared/notify/transports/slack.js";
import { buildSnsNotifier } from "../shared/notify/transports/sns.js";
import { webhookUrlSource } from "../shared/notify/webhook-secret.js";
import { botTokenSource } from "../shared/secret-source.js";
import { dynamoActionStore } from "../shared/slack-actions/dynamo-store.js";
import { memoryActionStore } from "../shared/slack-actions/memory-store.js";
import type { ActionStore } from "../shared/slack-actions/store.js";
import { dynamoDocumentClient, ecsClient, secretsClient, snsClient, ssmClient } from "./aws.js";
import type { Config } from "./config.js";
import type { RuntimeOptions } from "./runtime.js";

export function configuredThreadStore(config: Config, log: Log): ThreadStore {
  if (config.stateTable) return dynamoThreadStore(dynamoDocumentClient(), config.stateTable);
  log.warn("STATE_TABLE is not set: Slack threads only last as long as this process");
  return memoryThreadStore();
}

/** The Slack Web API of app mode (a bot token and a channel); a bad SLACK_BOT_TOKEN fails at cold start. */
export function configuredSlackApi(config: Config, options: RuntimeOptions): SlackApi | undefined {
  const secrets = { secretsManager: secretsClient, ssm: ssmClient, logger: options.log };
  const token = botTokenSource(
    { SLACK_BOT_TOKEN: config.slackBotToken, SLACK_BOT_TOKEN_FROM: config.slackBotTokenFrom },
    secrets,
  );
  if (!token || !config.slackChannel) return undefined;
  return buildSlackWebApi({
    baseUrl: config.slackApiUrl,
    token,
    fetch,
    deadline: options.deadline,
    logger: options.log,
    postIntervalMs: config.slackPostIntervalMs,
  });
}

/** Offers, claims and mutes of Slack buttons: the state table, or memory for local runs without one. */
export function configuredActionStore(config: Config): ActionStore {
  return config.stateTable
    ? dynamoActionStore(dynamoDocumentClient(), config.stateTable)
    : memoryActionStore();
}

/** Slack buttons are on when app mode has approvers. */
export const buttonsEnabled = (config: Config) => config.slackApprovers.length > 0;

/** App mode: one thread per deployment and incident; buttons recorded when approvers are configured. */
export function configuredSlackApp(
  config: Config,
  options: RuntimeOptions,
  api = configuredSlackApi(config, options),
  actions: ActionStore = configuredActionStore(config),
): SlackAppChannel | undefined {
  if (!api || !config.slackChannel) return undefined;
  return buildSlackAppChannel({
    api,
    threads: configuredThreadStore(config, options.log),
    defaultChannel: config.slackChannel,
    render: renderSlack,
    logger: options.log,
    offers: buttonsEnabled(config) ? (offer) => actions.recordOffer(offer) : undefined,
  });
}

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

/** The channels the configuration enables: Slack (app mode, else the webhook) and email (SNS topic). */
export function configuredChannels(config: Config, options: RuntimeOptions): NotificationChannels {
  const email = config.notifyTopicArn
    ? buildSnsNotifier(snsClient(), config.notifyTopicArn, { logger: options.log })
    : undefined;
  const slackApp = configuredSlackApp(config, options);
  const webhookConfigured = Boolean(config.slackWebhookUrl || config.slackWebhookUrlFrom);
  if (slackApp) {
    if (webhookConfigured)
      options.log.info("Slack app mode (bot token) wins over the webhook, which is not used");
    return { slackApp, email };
  }
  const url = webhookUrlSource(
    { SLACK_WEBHOOK_URL: config.slackWebhookUrl, SLACK_WEBHOOK_URL_FROM: config.slackWebhookUrlFrom },
    { secretsManager: secretsClient, ssm: ssmClient, logger: options.log },
  );
  return {
    slack: url
      ? buildSlackNotifier(url, fetch, { deadline: options.deadline, logger: options.log })
      : undefined,
    email,
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
  if (!channels.slack && !channels.slackApp && !channels.email) {
    options.log.warn(
      "no notification channel configured (SLACK_BOT_TOKEN(_FROM) + SLACK_CHANNEL, SLACK_WEBHOOK_URL(_FROM), NOTIFY_TOPIC_ARN)",
    );
  }
  return buildNotificationService({
    channels,
    render: { slack: renderSlack, email: renderEmail },
    store: options.store ?? configuredStore(config, options.log),
    routing: { slackMinSeverity: config.slackMinSeverity, emailMinSeverity: config.emailMinSeverity },
    tagsFor: buildServiceTagsLookup(ecsClient(), { logger: options.log }),
    logger: options.log,
    deadline: options.deadline,
    throttleWindowMs: config.throttleWindowMinutes * 60_000,
    deploymentCards: config.slackDeploymentCards,
    mutedUntil: buttonsEnabled(config) ? cachedMutes(configuredActionStore(config)) : undefined,
  });
}

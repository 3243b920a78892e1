/**
 * Composition of the notification side: the channels the configuration enables (Slack, email), the state store
 * that de-duplicates and throttles, and the notification service built from them.
 */

import type { Log } from "../shared/log.js";
import { buildNotificationService } from "../shared/notify/notifier.js";
import type { NotificationService } from "../shared/notify/outcomes.js";
import { renderEmail, renderSlack } from "../shared/notify/render/index.js";
import { buildServiceTagsLookup } from "../shared/notify/service-tags.js";
import {
  dynamoNotificationStore,
  memoryStore,
  type NotificationStore,
} from "../shared/notify/store/index.js";
import type { EmailPort, SlackPort } from "../shared/notify/transports/ports.js";
import { buildSlackNotifier } from "../shared/notify/transports/slack.js";
import { buildSnsNotifier } from "../shared/notify/transports/sns.js";
import { webhookUrlSource } from "../shared/notify/webhook-secret.js";
import { dynamoDocumentClient, ecsClient, secretsClient, snsClient, ssmClient } from "./aws.js";
import type { Config } from "./config.js";
import type { RuntimeOptions } from "./runtime.js";

/** The channels the configuration enables: Slack (URL or secret) and email (SNS topic). */
export function configuredChannels(
  config: Config,
  options: RuntimeOptions,
): { slack?: SlackPort; email?: EmailPort } {
  const url = webhookUrlSource(
    { SLACK_WEBHOOK_URL: config.slackWebhookUrl, SLACK_WEBHOOK_SECRET: config.slackWebhookSecret },
    { secretsManager: secretsClient, ssm: ssmClient, logger: options.log },
  );
  return {
    slack: url
      ? buildSlackNotifier(url, fetch, { deadline: options.deadline, logger: options.log })
      : undefined,
    email: config.notifyTopicArn
      ? buildSnsNotifier(snsClient(), config.notifyTopicArn, { logger: options.log })
      : undefined,
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
    channels?: { slack?: SlackPort; email?: EmailPort };
    store?: NotificationStore;
  },
): NotificationService {
  const channels = options.channels ?? configuredChannels(config, options);
  if (!channels.slack && !channels.email) {
    options.log.warn(
      "no notification channel configured (SLACK_WEBHOOK_URL/SLACK_WEBHOOK_SECRET, NOTIFY_TOPIC_ARN)",
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
  });
}

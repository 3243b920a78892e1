/**
 * The channels' adapters (Slack app mode's Web API and threads, the webhook, SNS email, PagerDuty, Teams, Amazon Q
 * Developer), built from secret sources notifications.ts has already validated. Loaded with the first message a
 * channel carries (notifications.ts), so a cold start loads none of them.
 */

import type { Log } from "../shared/log.js";
import { retryCounter, slackApiRetryCounter } from "../shared/metrics/notifications.js";
import { buildPagerDutyChannel, type PagerDutyChannel } from "../shared/notify/pagerduty/channel.js";
import { renderSlack } from "../shared/notify/render/index.js";
import type { SlackApi } from "../shared/notify/slack-app/api-port.js";
import type { SlackAppChannel } from "../shared/notify/slack-app/channel-types.js";
import { buildSlackAppChannel } from "../shared/notify/slack-app/thread-delivery.js";
import { buildSlackWebApi } from "../shared/notify/slack-app/web-api.js";
import { dynamoThreadStore } from "../shared/notify/threads/dynamo-thread-store.js";
import { memoryThreadStore } from "../shared/notify/threads/memory-thread-store.js";
import type { ThreadStore } from "../shared/notify/threads/types.js";
import { buildChatbotNotifier, type ChatbotPort } from "../shared/notify/transports/chatbot.js";
import { buildPagerDutySender } from "../shared/notify/transports/pagerduty.js";
import type { EmailPort, SlackPort } from "../shared/notify/transports/ports.js";
import { buildSlackNotifier } from "../shared/notify/transports/slack.js";
import { buildSnsNotifier } from "../shared/notify/transports/sns.js";
import { buildTeamsSender, type TeamsPort } from "../shared/notify/transports/teams.js";
import { botTokenSource, type SecretSource } from "../shared/secret-source.js";
import type { ActionStore } from "../shared/slack-actions/store.js";
import { buttonsEnabled, configuredActionStore } from "./action-store.js";
import { dynamoDocumentClient, secretsClient, ssmClient } from "./aws.js";
import { snsClient } from "./aws-sns.js";
import type { Config } from "./config.js";
import type { RuntimeOptions } from "./runtime.js";

export function configuredThreadStore(config: Config, log: Log): ThreadStore {
  if (config.stateTable) return dynamoThreadStore(dynamoDocumentClient(), config.stateTable);
  log.warn("STATE_TABLE is not set: Slack threads only last as long as this process");
  return memoryThreadStore();
}

/** The Slack Web API of app mode over a bot token's source. */
export const slackWebApi = (config: Config, options: RuntimeOptions, token: SecretSource): SlackApi =>
  buildSlackWebApi({
    baseUrl: config.slackApiUrl,
    token,
    fetch,
    deadline: options.deadline,
    logger: options.log,
    postIntervalMs: config.slackPostIntervalMs,
    ...(options.metrics ? { onRetry: slackApiRetryCounter(options.metrics) } : {}),
  });

/** The Slack Web API of app mode (a bot token and a channel); undefined without them. */
export function configuredSlackApi(config: Config, options: RuntimeOptions): SlackApi | undefined {
  const secrets = { secretsManager: secretsClient, ssm: ssmClient, logger: options.log };
  const token = botTokenSource(
    { SLACK_BOT_TOKEN: config.slackBotToken, SLACK_BOT_TOKEN_FROM: config.slackBotTokenFrom },
    secrets,
  );
  return token && config.slackChannel ? slackWebApi(config, options, token) : undefined;
}

/** App mode in `channel`: one thread per deployment and incident; buttons recorded when approvers are configured. */
export function slackAppChannel(
  config: Config,
  options: RuntimeOptions,
  api: SlackApi,
  channel: string,
  actions: ActionStore = configuredActionStore(config),
): SlackAppChannel {
  return buildSlackAppChannel({
    api,
    threads: configuredThreadStore(config, options.log),
    defaultChannel: channel,
    render: renderSlack,
    logger: options.log,
    offers: buttonsEnabled(config) ? (offer) => actions.recordOffer(offer) : undefined,
  });
}

/** App mode as configured; undefined without a bot token and a channel. */
export function configuredSlackApp(
  config: Config,
  options: RuntimeOptions,
  api = configuredSlackApi(config, options),
  actions: ActionStore = configuredActionStore(config),
): SlackAppChannel | undefined {
  if (!api || !config.slackChannel) return undefined;
  return slackAppChannel(config, options, api, config.slackChannel, actions);
}

/** The HTTP channels' deadline, logger and retry counter. */
function httpOptions(options: RuntimeOptions) {
  return {
    deadline: options.deadline,
    logger: options.log,
    ...(options.metrics ? { onRetry: retryCounter(options.metrics) } : {}),
  };
}

export const slackWebhookChannel = (options: RuntimeOptions, url: SecretSource): SlackPort =>
  buildSlackNotifier(url, fetch, httpOptions(options));

export const emailChannel = (options: RuntimeOptions, topicArn: string): EmailPort =>
  buildSnsNotifier(snsClient(), topicArn, { logger: options.log });

export const pagerDutyChannel = (
  config: Config,
  options: RuntimeOptions,
  routingKey: SecretSource,
): PagerDutyChannel =>
  buildPagerDutyChannel(
    buildPagerDutySender(config.pagerDutyEventsUrl, fetch, httpOptions(options)),
    routingKey,
  );

export const teamsChannel = (options: RuntimeOptions, url: SecretSource): TeamsPort =>
  buildTeamsSender(url, fetch, httpOptions(options));

export const chatbotChannel = (options: RuntimeOptions, topicArn: string): ChatbotPort =>
  buildChatbotNotifier(snsClient(), topicArn, { logger: options.log });

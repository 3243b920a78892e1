/**
 * The composition root: builds the adapters (SDK clients, Slack, SNS, state table) from the configuration and
 * hands the use cases their ports. Lambda handlers and `ecs-sentinel replay` both build their dependencies here,
 * so they run the same code path.
 */
import type { Context } from "aws-lambda";
import { dynamoClient, ecsClient, secretsClient, snsClient, ssmClient } from "./aws.js";
import { type Config, loadConfig } from "./config.js";
import { deploymentDeps } from "./deployment-wiring.js";
import { buildTaskDefinitionLoader, type TaskDefinitionLoader } from "./enrich/task-definition-cache.js";
import { contextFromTaskDefinition } from "./enrich/task-definition-context.js";
import type { FlowDeps } from "./flows/dispatch.js";
import { configuredEnrichment } from "./flows/enrichment-adapters.js";
import { jobHooks } from "./jobs-wiring.js";
import type { Log } from "./log.js";
import { lambdaLog } from "./logger.js";
import { asNotifier, buildNotificationService, type NotificationService } from "./notify/notifier.js";
import { renderEmail, renderSlack } from "./notify/render/index.js";
import { buildServiceTagsLookup } from "./notify/service-tags.js";
import type { EmailPort, SlackPort } from "./notify/transports/ports.js";
import { buildSlackNotifier } from "./notify/transports/slack.js";
import { buildSnsNotifier } from "./notify/transports/sns.js";
import { webhookUrlSource } from "./notify/webhook-secret.js";
import { dynamoNotificationStore, memoryStore, type NotificationStore } from "./state/index.js";

export interface RuntimeOptions {
  log: Log;
  /** Milliseconds left for this invocation (Lambda's context), used to bound retries. */
  deadline: () => number;
  /** `replay --dry-run`: the deployment side calls no AWS API and prints what it would do instead. */
  offline?: { print: (line: string) => void };
}

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
  if (config.stateTable) return dynamoNotificationStore(dynamoClient(), config.stateTable);
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

/** Task definitions are immutable by ARN: one loader (and cache) per container. */
export function taskDefinitionContextLoader(
  load: TaskDefinitionLoader = buildTaskDefinitionLoader(ecsClient()),
): FlowDeps["taskDefinitionContext"] {
  return async (arn) => {
    const definition = await load(arn);
    return definition ? contextFromTaskDefinition(definition) : undefined;
  };
}

export function flowDeps(
  config: Config,
  options: RuntimeOptions,
  notifications: NotificationService,
): FlowDeps {
  const notify = asNotifier(notifications);
  const loadTaskDefinition = buildTaskDefinitionLoader(ecsClient());
  const deployments = deploymentDeps(config, {
    log: options.log,
    notify,
    offline: options.offline,
    adapters: { loadTaskDefinition },
  });
  return {
    notify,
    log: options.log,
    taskDefinitionContext: taskDefinitionContextLoader(loadTaskDefinition),
    enrichment: configuredEnrichment(config, { ...options, loadTaskDefinition }),
    deploymentEvent: deployments.deploymentEvent,
    hooks: [...deployments.hooks, ...jobHooks(config, options)],
  };
}

/**
 * For a Lambda handler: configuration and adapters are built once at cold start (a bad variable fails the
 * init loudly); the returned function binds them to each invocation's deadline.
 */
export function lambdaFlowDeps(config: Config = loadConfig()): (context: Context) => FlowDeps {
  let current: Context | undefined;
  const options: RuntimeOptions = {
    log: lambdaLog,
    deadline: () => current?.getRemainingTimeInMillis() ?? 30_000,
  };
  const deps = flowDeps(config, options, buildNotifications(config, options));
  return (context) => {
    current = context;
    return deps;
  };
}

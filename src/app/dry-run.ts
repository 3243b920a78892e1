/**
 * The dry-run composition (`ecs-sentinel replay --dry-run`): the same use cases as the Lambdas, wired to
 * adapters that print instead of acting. Notifications run through the real pipeline (routing,
 * de-duplication, flood control) with an in-memory store and printing channels; review and rollback print
 * what they would load and do; nothing reads AWS (no task definition context, no alert context, no job runs).
 */
import { crashLoopHook } from "../shared/flows/crash-loop.js";
import { deploymentFlow } from "../shared/flows/deployment.js";
import type { FlowDeps } from "../shared/flows/dispatch.js";
import type { Log } from "../shared/log.js";
import { asNotifier } from "../shared/notify/as-notifier.js";
import { buildNotificationService } from "../shared/notify/notifier.js";
import type { NotificationService } from "../shared/notify/outcomes.js";
import { renderEmail, renderSlack } from "../shared/notify/render/index.js";
import { memoryStore } from "../shared/notify/store/index.js";
import { memoryCrashLoopStore } from "../shared/rollback/crash-loop-store.js";
import { memoryRollbackStore } from "../shared/rollback/memory-rollback-store.js";
import type { Config } from "./config.js";
import { crashLoopSettings } from "./deployments.js";
import {
  deploymentSightings,
  dryRunReviewLoader,
  dryRunRollbackRunner,
  type Print,
  printingChannels,
} from "./dry-run-adapters.js";
import { printingSlackApp } from "./dry-run-slack.js";
import { routingOf } from "./notifications.js";

export interface DryRunOptions {
  log: Log;
  /** Where review and rollback print what they would do. */
  print: Print;
  /** Print the full Slack JSON (indented) and the full email body. */
  payloads: boolean;
  /** The notification pipeline's clock (a replay follows the events' own times). */
  clock: () => number;
  /** Also show PagerDuty, Teams and Amazon Q Developer even where they are not configured (`--all-channels`). */
  allChannels?: boolean;
}

/** PagerDuty, Teams and Amazon Q Developer show in a dry run where configured (their secrets are not read). */
function otherChannelsShown(config: Config, all: boolean) {
  return {
    pagerduty: all || Boolean(config.pagerDutyRoutingKey || config.pagerDutyRoutingKeyFrom),
    teams: all || Boolean(config.teamsWebhookUrl || config.teamsWebhookUrlFrom),
    chatbot: all || Boolean(config.chatbotTopicArn),
  };
}

/**
 * A dry run shows Slack as app mode (threads, cards, edits) unless only a webhook is configured: then it shows
 * the webhook's one post per message.
 */
export function dryRunSlackMode(config: Config): "app" | "webhook" {
  const token = config.slackBotToken || config.slackBotTokenFrom;
  const webhook = config.slackWebhookUrl || config.slackWebhookUrlFrom;
  return webhook && !token ? "webhook" : "app";
}

/** The notification service of a dry run; `takePending` returns what the channels would have sent. */
export function dryRunNotifications(
  config: Config,
  options: DryRunOptions,
): { service: NotificationService; takePending: () => string[] } {
  const { channels, takePending, push } = printingChannels(options.payloads);
  const shown = otherChannelsShown(config, options.allChannels === true);
  const others = {
    ...(shown.pagerduty ? { pagerduty: channels.pagerduty } : {}),
    ...(shown.teams ? { teams: channels.teams } : {}),
    ...(shown.chatbot ? { chatbot: channels.chatbot } : {}),
  };
  const service = buildNotificationService({
    channels:
      dryRunSlackMode(config) === "app"
        ? {
            ...others,
            email: channels.email,
            slackApp: printingSlackApp({
              push,
              payloads: options.payloads,
              render: renderSlack,
              defaultChannel: config.slackChannel,
              logger: options.log,
              clock: options.clock,
              buttons: config.slackApprovers.length > 0,
            }),
          }
        : { slack: channels.slack, email: channels.email, ...others },
    deploymentCards: config.slackDeploymentCards,
    render: { slack: renderSlack, email: renderEmail },
    store: memoryStore(),
    routing: routingOf(config),
    accountNames: config.accountNames,
    accountOverrides: config.accountRouting,
    logger: options.log,
    clock: options.clock,
  });
  return { service, takePending };
}

/** The dispatch dependencies of a dry run, over `notifications` (a dry-run service, possibly wrapped). */
export function dryRunFlowDeps(
  config: Config,
  options: DryRunOptions,
  notifications: NotificationService,
): FlowDeps {
  const notify = asNotifier(notifications);
  const { log, print } = options;
  const sightings = deploymentSightings();
  const rollback = dryRunRollbackRunner(sightings, print);
  const crashLoop = crashLoopHook({
    store: memoryCrashLoopStore(),
    // A dry run claims nothing: no deployment is ever claimed.
    rollbackClaimed: memoryRollbackStore().rollbackClaimed,
    rollback,
    log,
    notify,
    settings: crashLoopSettings(config),
  });
  return {
    notify,
    log,
    deploymentEvent: deploymentFlow({
      notify,
      log,
      loadReview: dryRunReviewLoader(sightings, print),
      rollback,
    }),
    hooks: [sightings.observe, crashLoop],
  };
}

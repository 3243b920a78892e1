/**
 * Composition of Slack buttons' action service: the bot's own workspace (auth.test through the same Web API
 * adapter, asked once per container), the action store, approvers (SLACK_APPROVERS, the services'
 * `ecs-sentinel:approvers` tags, user groups through Slack), the rollback runner the automatic path uses (its
 * decision message goes into the deployment's thread), the job runner for re-runs, and the recorder that shows
 * each action in Slack.
 */
import {
  ContinueServiceDeploymentCommand,
  DescribeServicesCommand,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import { parseServiceArn } from "../shared/events/arns.js";
import { handleRunJob } from "../shared/flows/job-run.js";
import { actOnPausedDeployment, type PauseActionPorts } from "../shared/flows/paused-deployment-action.js";
import { meteredActionService, meteredApproverCheck } from "../shared/metrics/slack-actions.js";
import { asNotifier } from "../shared/notify/as-notifier.js";
import { buildServiceTagsLookup } from "../shared/notify/service-tags.js";
import type { SlackApi } from "../shared/notify/slack-app/api-port.js";
import { approverCheck, type IsApprover } from "../shared/slack-actions/approvers.js";
import { slackRecorder } from "../shared/slack-actions/recorder.js";
import { type ActionService, actionService } from "../shared/slack-actions/service.js";
import type { ActionStore } from "../shared/slack-actions/store.js";
import { botWorkspaceOf, rememberedBotWorkspace } from "../shared/slack-actions/workspace.js";
import { ecsClient } from "./aws.js";
import { configuredSlackApi, configuredSlackApp } from "./channel-adapters.js";
import { type Config, ConfigError } from "./config.js";
import { ecsPausePorts } from "./deployment-hook-ecs.js";
import { configuredRollbackRunner } from "./deployments.js";
import { jobsFlowDeps } from "./jobs.js";
import { deployedJobsFile } from "./jobs-lambda.js";
import { buildNotifications, configuredActionStore } from "./notifications.js";
import type { RuntimeOptions } from "./runtime.js";

export interface ActionServiceAdapters {
  ecs?: ECSClient;
  store?: ActionStore;
  slackApi?: SlackApi;
  clock?: () => number;
}

export function buildActionService(
  config: Config,
  options: RuntimeOptions,
  adapters: ActionServiceAdapters = {},
): ActionService {
  if (config.slackApprovers.length === 0)
    throw new ConfigError("Slack buttons need SLACK_APPROVERS (Slack user or user-group IDs)");
  const api = adapters.slackApi ?? configuredSlackApi(config, options);
  if (!api) throw new ConfigError("Slack buttons need app mode: SLACK_BOT_TOKEN(_FROM) and SLACK_CHANNEL");
  const store = adapters.store ?? configuredActionStore(config);
  const app = configuredSlackApp(config, options, api, store);
  if (!app) throw new ConfigError("Slack buttons need app mode: SLACK_BOT_TOKEN(_FROM) and SLACK_CHANNEL");
  const ecs = adapters.ecs ?? ecsClient();
  const notifications = buildNotifications(config, { ...options, channels: { slackApp: app } });
  // Metered like the automatic path: a person's rollback is a rollback decision too (RollbackDecisions).
  const rollback = configuredRollbackRunner(config, {
    log: options.log,
    notify: asNotifier(notifications),
    adapters: { ecs },
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const service = actionService({
    store,
    botWorkspace: rememberedBotWorkspace(botWorkspaceOf(api), options.log),
    isApprover: metered(
      approverCheck({
        approvers: config.slackApprovers,
        tagsFor: buildServiceTagsLookup(ecs, { logger: options.log }),
        groupMembers: groupMembersOf(api),
      }),
      options,
    ),
    rollback,
    rerun: async (job, by) => {
      const jobs = await deployedJobsFile(config);
      const result = await handleRunJob({ job }, jobsFlowDeps(config, options, jobs));
      options.log.info("job run again from Slack", { job, by, status: result.status });
      if (result.status === "done") return { started: true, summary: `run started: ${summaryOf(result)}` };
      if (result.status === "dry-run") return { started: false, summary: `dry run: ${result.plan.reason}` };
      return { started: false, summary: result.reason };
    },
    decidePause: (request) =>
      actOnPausedDeployment({ ...request, dryRun: config.dryRun }, ecsPauseActionPorts(ecs)),
    recorder: slackRecorder({ api, app, store, logger: options.log }),
    log: options.log,
    clock: adapters.clock,
  });
  return options.metrics ? meteredActionService(service, options.metrics) : service;
}

/** The approver check, counting the clicks it refuses when metrics are on. */
const metered = (check: IsApprover, options: RuntimeOptions): IsApprover =>
  options.metrics ? meteredApproverCheck(check, options.metrics) : check;

/** ECS behind a person's decision on a paused deployment (also `ecs-sentinel deployments continue|rollback`). */
export function ecsPauseActionPorts(ecs: ECSClient): PauseActionPorts {
  return {
    serviceTags: async (serviceArn) => {
      const ref = parseServiceArn(serviceArn);
      const out = await ecs.send(
        new DescribeServicesCommand({
          ...(ref?.cluster ? { cluster: ref.cluster } : {}),
          services: [serviceArn],
          include: ["TAGS"],
        }),
      );
      const service = out.services?.[0];
      return service ? (service.tags ?? []) : undefined;
    },
    serviceDeployment: ecsPausePorts(ecs).loadServiceDeployment,
    continueDeployment: async (input) => {
      await ecs.send(new ContinueServiceDeploymentCommand(input));
    },
  };
}

/** User-group membership through the Web API, when the adapter offers it (usergroups.users.list). */
function groupMembersOf(api: SlackApi): ((group: string) => Promise<string[]>) | undefined {
  const withGroups = api as SlackApi & { usergroupMembers?: (group: string) => Promise<string[]> };
  const lookup = withGroups.usergroupMembers;
  return lookup ? (group) => lookup.call(api, group) : undefined;
}

/** The endpoint's action service, from the configuration (the Lambda and `actions serve`). */
export const configuredActionService = (config: Config, runtime: RuntimeOptions): ActionService =>
  buildActionService(config, runtime);

function summaryOf(result: { result: unknown }): string {
  const value = result.result as { status?: string; taskArn?: string; reason?: string };
  return [value.status, value.taskArn, value.reason].filter(Boolean).join(" ") || "started";
}

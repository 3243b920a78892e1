/**
 * Composition of the jobs side from the configuration: the jobs file the Lambdas run, the ECS and DynamoDB
 * adapters, and the notifier job messages go through. The run-job and watchdog handlers, `ecs-sentinel jobs`
 * and the task-state flow's completion hook (events.ts) build their job dependencies here.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { accountRefusal, isMemberScope } from "../shared/accounts/policy.js";
import { jobCompletionHook } from "../shared/flows/job-completion.js";
import type { JobsFlowDeps } from "../shared/flows/job-run.js";
import type { WatchdogFlowDeps } from "../shared/flows/job-watchdog.js";
import type { TaskHook } from "../shared/flows/task-stopped.js";
import { buildEcsJobsAdapter } from "../shared/jobs/ecs-jobs.js";
import { memoryJobRunStore } from "../shared/jobs/memory-run-store.js";
import type { EcsJobsPort, JobRunStore } from "../shared/jobs/ports.js";
import { buildJobRunStore } from "../shared/jobs/run-store.js";
import type { JobSpec, JobsFile } from "../shared/jobs/types.js";
import type { Log } from "../shared/log.js";
import { asNotifier } from "../shared/notify/as-notifier.js";
import { CHANNEL_NAMES, type Notifier } from "../shared/notify/port.js";
import type { NotificationChannels } from "../shared/notify/service-context.js";
import type { NotificationStore } from "../shared/notify/store/index.js";
import { dynamoDocumentClient, ecsClient } from "./aws.js";
import type { Config } from "./config.js";
import { clientsForConfig, type Scope, type ScopedClients } from "./member-access.js";
import { buildNotifications, configuredChannels, configuredStore } from "./notifications.js";
import type { RuntimeOptions } from "./runtime.js";

/** Run records in the state table, or in memory (with a warning) when there is none. */
export function configuredRunStore(config: Pick<Config, "stateTable">, log: Log): JobRunStore {
  if (config.stateTable) return buildJobRunStore(dynamoDocumentClient(), config.stateTable);
  log.warn("STATE_TABLE is not set: job runs are remembered only as long as this process");
  return memoryJobRunStore();
}

const CHANNELS = CHANNEL_NAMES;

/**
 * Job messages go through the notification pipeline (de-duplication, delivery, retries) but to the channels
 * the job names and whatever their severity: the job's notify policy has already decided to send. Channels
 * are built on the first message, so the task-state Lambda pays nothing for them on ordinary tasks.
 */
export function buildJobNotifier(
  config: Config,
  options: RuntimeOptions,
  shared: { channels?: NotificationChannels; store?: NotificationStore } = {},
): Notifier {
  let all: NotificationChannels | undefined = shared.channels;
  let store: NotificationStore | undefined = shared.store;
  const bySelection = new Map<string, Notifier>();
  // PagerDuty keeps its own minimum: it pages (a job's incident resolves with its next success, whatever it is).
  const everySeverity: Config = {
    ...config,
    slackMinSeverity: "info",
    emailMinSeverity: "info",
    teamsMinSeverity: "info",
    chatbotMinSeverity: "info",
  };
  return async (message, target) => {
    all ??= configuredChannels(config, options);
    store ??= configuredStore(config, options.log);
    const wanted = target.channels?.map((name) => name.trim().toLowerCase());
    const unknown = wanted?.filter((name) => !(CHANNELS as readonly string[]).includes(name)) ?? [];
    if (unknown.length > 0) options.log.warn("ignoring unknown job notify channels", { channels: unknown });
    const selected = CHANNELS.filter((name) => (wanted ? wanted.includes(name) : true));
    const key = selected.join(",");
    let notifier = bySelection.get(key);
    if (!notifier) {
      const chosen = all;
      const channels: NotificationChannels = {
        ...(selected.includes("slack") && chosen.slack ? { slack: chosen.slack } : {}),
        ...(selected.includes("slack") && chosen.slackApp ? { slackApp: chosen.slackApp } : {}),
        ...(selected.includes("email") && chosen.email ? { email: chosen.email } : {}),
        ...(selected.includes("pagerduty") && chosen.pagerduty ? { pagerduty: chosen.pagerduty } : {}),
        ...(selected.includes("teams") && chosen.teams ? { teams: chosen.teams } : {}),
        ...(selected.includes("chatbot") && chosen.chatbot ? { chatbot: chosen.chatbot } : {}),
      };
      notifier = asNotifier(buildNotifications(everySeverity, { ...options, channels, store }));
      bySelection.set(key, notifier);
    }
    return notifier(message, {
      dedupeKey: target.dedupeKey,
      ...(target.problem ? { problem: target.problem } : {}),
    });
  };
}

/**
 * The task-state flow's job hook: closes job runs and sends their messages. None without a state table
 * (no run can be found). A dry run (dry-run.ts) has none either.
 */
export function jobHooks(config: Config, options: RuntimeOptions): TaskHook[] {
  if (!config.stateTable) return [];
  return [
    jobCompletionHook({
      store: configuredRunStore(config, options.log),
      notify: buildJobNotifier(config, options),
      log: options.log,
      ...(options.metrics ? { metrics: options.metrics } : {}),
    }),
  ];
}

/** A job's ECS port was asked for although its account is refused: the flows check the refusal first. */
export class JobAccountRefusedError extends Error {
  override readonly name = "JobAccountRefusedError";
}

type JobScopeConfig = Pick<
  Config,
  "hubAccountId" | "region" | "allowedAccounts" | "memberRoleName" | "memberExternalId"
>;

/** Why `job` may not run where it names: its account is not one this deployment acts for. */
export function jobAccountRefusal(config: JobScopeConfig, job: JobSpec): string | undefined {
  const home = { account: config.hubAccountId, region: config.region };
  // Without it the hub's own account is unknown, and a job must never start in an account by guesswork.
  if (job.account !== undefined && home.account === undefined)
    return `job ${job.name} names account ${job.account} but HUB_ACCOUNT_ID is not set: the hub cannot tell its own account from a member's`;
  if (accountRefusal(job.account, config.allowedAccounts, home) === undefined) return undefined;
  return `job ${job.name} runs in account ${job.account}, which this deployment does not act for (ALLOWED_ACCOUNTS)`;
}

/**
 * The ECS port of each job's account and region (issue 17): the hub's own for jobs that name neither (or the
 * hub's), else one adapter per account and region over the member role's clients. The schedule stays in the hub.
 */
export function jobsEcsFor(
  config: JobScopeConfig,
  hubEcs: EcsJobsPort,
  clientsFor: (scope: Scope) => ScopedClients = clientsForConfig(config),
): (job: JobSpec) => EcsJobsPort {
  const home = { account: config.hubAccountId, region: config.region };
  const byScope = new Map<string, EcsJobsPort>();
  return (job) => {
    const refusal = jobAccountRefusal(config, job);
    if (refusal !== undefined) throw new JobAccountRefusedError(refusal);
    const scope = { account: job.account ?? home.account, region: job.region ?? home.region };
    if (!isMemberScope(scope, home)) return hubEcs;
    const key = `${scope.account ?? "-"}:${scope.region ?? "-"}`;
    let ecs = byScope.get(key);
    if (!ecs) {
      ecs = buildEcsJobsAdapter(clientsFor(scope).ecs);
      byScope.set(key, ecs);
    }
    return ecs;
  };
}

/** Every dependency of the job use cases, from the configuration and a jobs file. */
export function jobsFlowDeps(
  config: Config,
  options: RuntimeOptions,
  jobsFile: JobsFile,
): JobsFlowDeps & Pick<WatchdogFlowDeps, "sweepDigests"> {
  const channels = configuredChannels(config, options);
  const store = configuredStore(config, options.log);
  const notifications = buildNotifications(config, { ...options, channels, store });
  const ecs = buildEcsJobsAdapter(ecsClient());
  return {
    jobs: jobsFile.jobs,
    ecs,
    ecsFor: jobsEcsFor(config, ecs),
    refusalFor: (job) => jobAccountRefusal(config, job),
    store: configuredRunStore(config, options.log),
    now: () => new Date(),
    newRunId: () => randomUUID(),
    sleep: (ms) => sleep(ms),
    notify: buildJobNotifier(config, options, { channels, store }),
    log: options.log,
    dryRun: config.dryRun,
    sweepDigests: (now) => notifications.sweepDigests(now),
  };
}

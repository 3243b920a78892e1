/**
 * Composition of the jobs side from the configuration: the jobs file the Lambdas run, the ECS and DynamoDB
 * adapters, and the notifier job messages go through. The run-job and watchdog handlers, `ecs-sentinel jobs`
 * and the task-state flow's completion hook (events.ts) build their job dependencies here.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { accountRefusal, isMemberScope } from "../shared/accounts/policy.js";
import type { JobsFlowDeps } from "../shared/flows/job-run.js";
import type { WatchdogFlowDeps } from "../shared/flows/job-watchdog.js";
import { buildEcsJobsAdapter } from "../shared/jobs/ecs-jobs.js";
import type { EcsJobsPort } from "../shared/jobs/ports.js";
import type { JobSpec, JobsFile } from "../shared/jobs/types.js";
import { ecsClient } from "./aws.js";
import type { Config } from "./config.js";
import { buildJobNotifier, configuredRunStore } from "./job-completion-wiring.js";
import { clientsForConfig, type Scope, type ScopedClients } from "./member-access.js";
import { buildNotifications, configuredChannels, configuredStore } from "./notifications.js";
import type { RuntimeOptions } from "./runtime.js";

export { buildJobNotifier, configuredRunStore } from "./job-completion-wiring.js";
export { jobHooks } from "./job-hooks.js";

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
): JobsFlowDeps & Pick<WatchdogFlowDeps, "sweepDigests" | "metrics"> {
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
    ...(options.metrics ? { metrics: options.metrics } : {}),
  };
}

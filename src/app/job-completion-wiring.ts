/**
 * The job side of a stopped job task: run records and the job notifier, and the hook built from them. The
 * task-state Lambda loads this module with the first stop that looks like a job's (job-hooks.ts); the run-job and
 * watchdog functions and the CLI use the run store and notifier through jobs.ts.
 */

import { jobCompletionHook } from "../shared/flows/job-completion.js";
import type { TaskHook } from "../shared/flows/task-stopped.js";
import { memoryJobRunStore } from "../shared/jobs/memory-run-store.js";
import type { JobRunStore } from "../shared/jobs/ports.js";
import { buildJobRunStore } from "../shared/jobs/run-store.js";
import type { Log } from "../shared/log.js";
import { asNotifier } from "../shared/notify/as-notifier.js";
import { CHANNEL_NAMES, type Notifier } from "../shared/notify/port.js";
import type { NotificationChannels } from "../shared/notify/service-context.js";
import type { NotificationStore } from "../shared/notify/store/index.js";
import { dynamoDocumentClient } from "./aws.js";
import type { Config } from "./config.js";
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

/** The job completion hook over the configured run store and job notifier. */
export function jobCompletionHookFor(config: Config, options: RuntimeOptions): TaskHook {
  return jobCompletionHook({
    store: configuredRunStore(config, options.log),
    notify: buildJobNotifier(config, options),
    log: options.log,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
}

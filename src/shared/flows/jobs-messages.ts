/**
 * Job messages the jobs core has no builder for, because only the flows produce them: a skipped run (sent to
 * jobs that ask for every outcome) and, under DRY_RUN, a run the watchdog would have stopped. Pure.
 */
import { arnName } from "../events/arns.js";
import { formatDuration } from "../jobs/duration.js";
import { clusterName, runFacts, taskConsoleLink } from "../jobs/job-messages.js";
import type { JobRun } from "../jobs/run-record.js";
import type { JobSpec } from "../jobs/types.js";
import type { OverdueTask } from "../jobs/watchdog.js";
import type { Message } from "../notify/message.js";

export function skippedMessage(run: JobRun): Message {
  return {
    kind: "job",
    severity: "info",
    category: "job-skipped",
    title: `Job ${run.job} skipped a run`,
    cause: run.reason,
    evidence: [],
    remediation: [
      "If the previous run is stuck, stop it (or set maxRuntime in jobs.yml so the watchdog does).",
      "Set overlap: allow or overlap: replace in jobs.yml if runs may overlap or the newest should win.",
    ],
    facts: runFacts(run),
    links: [],
    cluster: clusterName(run.cluster),
    family: run.job,
    time: run.startedAt,
  };
}

/** DRY_RUN: the watchdog reports the overdue task instead of stopping it (no stop, so no completion message). */
export function wouldStopOverdueMessage(job: JobSpec, task: OverdueTask, now: Date): Message {
  const link = taskConsoleLink(job.cluster, task.taskArn);
  return {
    kind: "job",
    severity: "warning",
    category: "job-overdue",
    title: `Job ${job.name} has run ${formatDuration(task.runningSeconds)}, past its maxRuntime (dry run: not stopped)`,
    cause: `DRY_RUN is on, so the watchdog did not stop the task; it would have stopped it with "${task.reason}".`,
    evidence: [
      `task ${arnName(task.taskArn) ?? task.taskArn} running for ${formatDuration(task.runningSeconds)}`,
    ],
    remediation: [
      "Check the task's logs for where it spends the time.",
      "Raise maxRuntime in jobs.yml if the job legitimately needs longer.",
    ],
    facts: [
      { label: "Job", value: job.name },
      { label: "Cluster", value: clusterName(job.cluster) },
      { label: "Max runtime", value: formatDuration(job.maxRuntimeSeconds ?? 0) },
    ],
    links: link ? [link] : [],
    cluster: clusterName(job.cluster),
    family: job.name,
    time: now.toISOString(),
  };
}

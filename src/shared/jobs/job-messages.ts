/**
 * Messages (the channel-independent model in notify/message.ts) for job outcomes and watchdog alarms: a run that
 * succeeded, failed or failed to start, a skipped run (sent to jobs that ask for every outcome) and, under
 * DRY_RUN, a run the watchdog would have stopped. Pure.
 */
import { arnName } from "../events/arns.js";
import { ecsTaskUrl, parseArn } from "../notify/console-links.js";
import type { Fact, Link, Message } from "../notify/message.js";
import { formatDuration } from "./duration.js";
import type { OverdueTask } from "./ports.js";
import type { JobRun } from "./run-record.js";
import type { JobSpec } from "./types.js";

export type JobMessageCategory =
  | "job-succeeded"
  | "job-failed"
  | "job-timed-out"
  | "job-failed-to-start"
  | "job-skipped"
  | "job-missed"
  | "job-overdue-stopped";

/** What a diagnosis adds to a failure message (a subset of Diagnosis, so callers may pass one as is). */
export interface FailureExplanation {
  category?: string;
  title?: string;
  summary?: string;
  evidence?: string[];
  remediation?: string[];
  docs?: string[];
}

function arnParts(arn: string | undefined): { region?: string; account?: string } {
  const parts = arn?.split(":") ?? [];
  return { region: parts[3] || undefined, account: parts[4] || undefined };
}

/** A cluster name from a name or an ARN. */
export function clusterName(cluster: string): string {
  return arnName(cluster) ?? cluster;
}

/** The task in the console (any partition with one), or nothing when its ARN cannot be linked. */
export function taskConsoleLink(cluster: string, taskArn: string): Link | undefined {
  const arn = parseArn(taskArn);
  const url = arn && ecsTaskUrl(arn, clusterName(cluster), arnName(taskArn) ?? "");
  return url ? { label: "Task in the ECS console", url } : undefined;
}

export function runFacts(run: JobRun): Fact[] {
  const facts: Fact[] = [
    { label: "Job", value: run.job },
    { label: "Run", value: run.runId },
    { label: "Cluster", value: clusterName(run.cluster) },
  ];
  if (run.taskArn) facts.push({ label: "Task", value: arnName(run.taskArn) ?? run.taskArn });
  if (run.taskDefinitionArn) {
    facts.push({ label: "Task definition", value: arnName(run.taskDefinitionArn) ?? run.taskDefinitionArn });
  }
  if (run.capacity) facts.push({ label: "Capacity", value: run.capacity });
  if (run.scheduledTime) facts.push({ label: "Scheduled", value: run.scheduledTime });
  facts.push({ label: "Started", value: run.startedAt });
  if (run.stoppedAt) facts.push({ label: "Stopped", value: run.stoppedAt });
  if (run.durationSeconds !== undefined)
    facts.push({ label: "Duration", value: formatDuration(run.durationSeconds) });
  if (run.attempts > 1) facts.push({ label: "RunTask attempts", value: String(run.attempts) });
  return facts;
}

function baseMessage(
  run: JobRun,
): Pick<Message, "kind" | "cluster" | "account" | "region" | "facts" | "links"> {
  const { region, account } = arnParts(run.taskArn ?? run.cluster);
  const link = run.taskArn ? taskConsoleLink(run.cluster, run.taskArn) : undefined;
  return {
    kind: "job",
    cluster: clusterName(run.cluster),
    ...(account ? { account } : {}),
    ...(region ? { region } : {}),
    facts: runFacts(run),
    links: link ? [link] : [],
  };
}

export function succeededMessage(run: JobRun): Message {
  const took = run.durationSeconds !== undefined ? ` in ${formatDuration(run.durationSeconds)}` : "";
  return {
    ...baseMessage(run),
    severity: "info",
    category: "job-succeeded",
    title: `Job ${run.job} succeeded${took}`,
    cause: `Every essential container of run ${run.runId} exited with code 0.`,
    evidence: Object.entries(run.exitCodes ?? {}).map(
      ([name, code]) => `container ${name} exited with code ${code}`,
    ),
    remediation: [],
    ...(run.stoppedAt ? { time: run.stoppedAt } : {}),
  };
}

export function failedMessage(
  run: JobRun,
  evidence: string[],
  timedOut: boolean,
  explanation?: FailureExplanation,
): Message {
  const base = baseMessage(run);
  const headline = timedOut
    ? `exceeded its maximum runtime of ${formatDuration(run.maxRuntimeSeconds ?? 0)}`
    : "failed";
  const remediation = explanation?.remediation?.length
    ? explanation.remediation
    : timedOut
      ? [
          "Check the task's logs for where it spent the time (a lock, a slow query, an external call without a timeout).",
          "Raise maxRuntime in jobs.yml if the job legitimately needs longer.",
        ]
      : [
          "Read the container logs of this run for the error.",
          "Run it again by hand with `ecs-sentinel jobs run` once fixed.",
        ];
  return {
    ...base,
    severity: "critical",
    category: timedOut ? "job-timed-out" : "job-failed",
    title: `Job ${run.job} ${headline}${explanation?.title ? `: ${explanation.title}` : ""}`,
    cause: explanation?.summary ?? run.reason,
    ...(run.stoppedReason ? { reason: run.stoppedReason } : {}),
    evidence: [...evidence, ...(explanation?.evidence ?? []).filter((line) => !evidence.includes(line))],
    remediation,
    links: [...base.links, ...(explanation?.docs ?? []).map((url) => ({ label: "AWS documentation", url }))],
    ...(run.stoppedAt ? { time: run.stoppedAt } : {}),
  };
}

export function failedToStartMessage(run: JobRun): Message {
  return {
    ...baseMessage(run),
    severity: "critical",
    category: "job-failed-to-start",
    title: `Job ${run.job} could not start`,
    cause: run.reason,
    evidence: [`${run.attempts} RunTask attempt(s)`],
    remediation: [
      "If ECS had no capacity, add subnets in more Availability Zones or a capacity.fallback provider.",
      "If the task definition, cluster, subnets or security groups are wrong, fix them in jobs.yml.",
      "Run it by hand with `ecs-sentinel jobs run` once resolved.",
    ],
    time: run.startedAt,
  };
}

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

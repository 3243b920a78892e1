/**
 * The task-state hook that closes a job's run when its task stops and sends the job's own message. Orchestration
 * over ports (run store, notifier): no AWS imports here.
 */
import type { Diagnosis } from "../diagnosis/types.js";
import type { TaskStateChangeEvent } from "../events/parse.js";
import { completeRun } from "../jobs/completion.js";
import { looksLikeJobTask } from "../jobs/job-task.js";
import type { JobRunStore } from "../jobs/ports.js";
import type { Log } from "../log.js";
import { recordJobCompletion } from "../metrics/jobs.js";
import type { Metrics } from "../metrics/port.js";
import type { Notifier } from "../notify/port.js";
import { jobProblemKey } from "../notify/problems/keys.js";
import { rerunAction } from "../slack-actions/offers.js";
import type { TaskHook } from "./task-stopped.js";

export { looksLikeJobTask } from "../jobs/job-task.js";

export interface JobCompletionDeps {
  store: Pick<JobRunStore, "findRunByTask" | "closeRun">;
  notify: Notifier;
  log: Log;
  /** Counts the closed run's outcome; absent = not counted. */
  metrics?: Metrics;
}

/**
 * Closes a job's run when its task stops and sends the job's own message (per its policy) in place of the
 * generic stopped-task message. The message goes out before the run is closed: if delivery fails, the run
 * stays open and the retried event sends it (the dedupe key keeps channels that got it from getting it
 * again); once closed, a repeated event changes nothing.
 */
export function jobCompletionHook(deps: JobCompletionDeps): TaskHook {
  return async (event: TaskStateChangeEvent, diagnosis: Diagnosis) => {
    const task = event.detail;
    if (task.lastStatus !== "STOPPED" || !looksLikeJobTask(task)) return undefined;
    const run = await deps.store.findRunByTask(task.taskArn);
    // startedBy "job/..." from something else than ecs-sentinel: an ordinary task.
    if (!run) return undefined;
    if (run.status !== "running") {
      deps.log.info("job run already closed", { job: run.job, runId: run.runId, status: run.status });
      return { notified: true };
    }
    const completion = completeRun({ run, task, diagnosis });
    const problem = { key: jobProblemKey(run.job), resolve: completion.message.severity === "info" };
    if (completion.notify) {
      // A run that failed offers to run the job again (Slack buttons, where approvers are set).
      const message =
        completion.message.severity === "info"
          ? completion.message
          : { ...completion.message, actions: [rerunAction(run.job)] };
      await deps.notify(message, {
        ...(run.channels ? { channels: run.channels } : {}),
        dedupeKey: `job#${run.job}#${run.runId}#${completion.outcome}`,
        problem,
      });
    } else if (problem.resolve) {
      // A quiet success still ends the job's open incident (PagerDuty only; nothing is sent when none is open).
      await deps.notify(completion.message, {
        channels: ["pagerduty"],
        dedupeKey: `job#${run.job}#${run.runId}#${completion.outcome}#resolve`,
        problem,
      });
    }
    const closed = await deps.store.closeRun(completion.run);
    if (closed && deps.metrics) recordJobCompletion(deps.metrics, completion.outcome);
    deps.log.info("job run finished", {
      job: run.job,
      runId: run.runId,
      outcome: completion.outcome,
      timedOut: completion.timedOut,
      durationSeconds: completion.durationSeconds,
      notified: completion.notify,
      closedHere: closed,
    });
    return { notified: true };
  };
}

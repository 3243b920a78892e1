/**
 * The jobs side the task-state Lambda needs on every stop: the hook that closes job runs and sends their messages.
 * Most stops are not a job's, so the check of the task is made here and the run store, job notifier and
 * completion logic (job-completion-wiring.ts) load with the first stop that looks like a job's.
 */
import type { TaskHook } from "../shared/flows/task-stopped.js";
import { looksLikeJobTask } from "../shared/jobs/job-task.js";
import { loadOnce } from "../shared/load-once.js";
import type { Config } from "./config.js";
import type { RuntimeOptions } from "./runtime.js";

type JobCompletionWiring = typeof import("./job-completion-wiring.js");

const jobCompletionWiring = /* @__PURE__ */ loadOnce<JobCompletionWiring>(
  "the job completion wiring",
  () => import("./job-completion-wiring.js"),
);

/**
 * The task-state flow's job hook: closes job runs and sends their messages. None without a state table
 * (no run can be found). A dry run (dry-run.ts) has none either.
 */
export function jobHooks(config: Config, options: RuntimeOptions): TaskHook[] {
  if (!config.stateTable) return [];
  let hook: TaskHook | undefined;
  return [
    async (event, diagnosis) => {
      const task = event.detail;
      if (task.lastStatus !== "STOPPED" || !looksLikeJobTask(task)) return undefined;
      hook ??= (await jobCompletionWiring()).jobCompletionHookFor(config, options);
      return hook(event, diagnosis);
    },
  ];
}

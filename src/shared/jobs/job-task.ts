/** Whether a stopped task may be a job's: the cheap check every stop makes before any run is looked up. */
import type { EcsTask } from "../events/schemas.js";
import { JOB_TAG } from "./types.js";

export function looksLikeJobTask(task: EcsTask): boolean {
  if (task.startedBy?.startsWith("job/")) return true;
  return (task.tags ?? []).some((tag) => tag.key === JOB_TAG);
}

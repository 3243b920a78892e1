/**
 * Which Slack conversation a stopped task belongs to (app mode): the thread of the deployment that started it
 * when that thread exists (its card counts the failure), else the incident of its (cluster, service or family,
 * category) — one thread while the stops keep coming, a new one after a quiet flood window. A reply is posted
 * only for what the thread has not shown yet: a new sub-cause or exit code.
 */

import { isDeploymentId } from "../deployments/deployment-id.js";
import { stoppedTaskCardPatch } from "../deployments/stopped-task-patch.js";
import { deploymentThreadKey } from "../deployments/thread-key.js";
import type { Diagnosis } from "../diagnosis/types.js";
import type { TaskStateChangeEvent } from "../events/parse.js";
import { incidentThreadKey, occurrencePatch } from "../notify/threads/keys.js";
import type { ThreadMeta } from "../notify/threads/types.js";

/** What makes a stop worth its own reply in a thread that already shows the same kind of stop. */
export function stopDetailKey(diagnosis: Diagnosis): string {
  return [diagnosis.category, diagnosis.subCause, diagnosis.culprit?.exitCode ?? "-"].join("#");
}

export function stoppedTaskThread(
  event: TaskStateChangeEvent,
  diagnosis: Diagnosis,
  throttleKey: string,
  serviceArn: string | undefined,
  at: number,
): ThreadMeta {
  const detailKey = stopDetailKey(diagnosis);
  const incident: ThreadMeta = {
    key: incidentThreadKey(throttleKey),
    incident: true,
    patch: occurrencePatch(at),
    detailKey,
  };
  const deploymentId = event.detail.startedBy;
  if (!serviceArn || !isDeploymentId(deploymentId)) return incident;
  return {
    key: deploymentThreadKey(serviceArn, deploymentId),
    joinOnly: true,
    patch: stoppedTaskCardPatch(diagnosis, at),
    detailKey,
    // The flood's digest finds the deployment's thread through the incident's key.
    aliases: [incident.key],
    fallback: incident,
  };
}

/** Where a task of the new revision stands: stopped (and why), running and healthy, or not there yet. Pure. */
import type { Diagnosis } from "../diagnosis/types.js";
import type { EcsTask } from "../events/schemas.js";
import { type StopWeight, stopWeight } from "./policy.js";

export interface StoppedTask {
  task: EcsTask;
  diagnosis: Diagnosis;
  weight: StopWeight;
}

/** A task ECS has stopped or is stopping for a reason (a scheduler stop without reason is still stopping). */
export function isStopped(task: EcsTask): boolean {
  if (task.lastStatus === "STOPPED") return true;
  return task.desiredStatus === "STOPPED" && Boolean(task.stopCode || task.stoppedReason);
}

/**
 * RUNNING and healthy: health status HEALTHY, or no health check. A task with a container health check reports
 * UNKNOWN while it starts, exactly like a task without one; `hasHealthCheck` (from the task definition) tells
 * them apart. When it is not known, UNKNOWN counts as "no health check" (the task definition could not be read;
 * waiting for a status that never comes would fail every deployment of a service without health checks).
 */
export function isRunningHealthy(task: EcsTask, hasHealthCheck: boolean | undefined): boolean {
  if (task.lastStatus !== "RUNNING" || task.desiredStatus === "STOPPED") return false;
  if (task.healthStatus === "HEALTHY") return true;
  if (task.healthStatus === "UNHEALTHY") return false;
  return hasHealthCheck !== true;
}

export function stoppedTask(task: EcsTask, diagnosis: Diagnosis): StoppedTask {
  return { task, diagnosis, weight: stopWeight(diagnosis.category, diagnosis.subCause) };
}

/** Oldest stop first (stoppedAt, else createdAt), so the first cause is the one named. */
export function byStopTime(a: StoppedTask, b: StoppedTask): number {
  const t = (s: StoppedTask) => Date.parse(s.task.stoppedAt ?? s.task.createdAt ?? "") || 0;
  return t(a) - t(b);
}

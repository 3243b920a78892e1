/**
 * Which tasks `diagnose` and `replay` diagnose, and what they say about the others. Pure.
 *
 * The rule is the Lambda's (isStoppedOrSpotNotice): a task is diagnosed once its lastStatus is STOPPED, or
 * earlier for the Spot interruption notice (desiredStatus STOPPED with stop code SpotInterruption or
 * TerminationNotice), which is the only warning a Spot task gets. Any other task has not stopped (yet) and gets
 * no category: a task that is STOPPING or DEPROVISIONING with a stop code is on its way down, but its
 * containers' exit codes and reasons, which most diagnoses rest on, are only final at STOPPED, so it is
 * reported with the stop code and reason known so far and a note to look again. A task without lastStatus
 * (a hand-made fixture) is diagnosed as given.
 */
import type { EcsTask } from "../shared/events/index.js";
import { isStoppedOrSpotNotice } from "../shared/flows/task-stopped.js";

export interface NotStopped {
  taskArn: string;
  lastStatus: string;
  desiredStatus?: string;
  /** What ECS is doing in this state, i.e. what the task is waiting for. */
  waitingFor: string;
  /** ECS has been asked to stop it: desiredStatus STOPPED. */
  stopping: boolean;
  stopCode?: string;
  stoppedReason?: string;
}

const WAITING_FOR: Record<string, string> = {
  PROVISIONING:
    "ECS is preparing resources before launch, such as the elastic network interface of an awsvpc task",
  PENDING:
    "waiting for the container agent or Fargate: capacity, image pulls, secrets and volumes, container start",
  ACTIVATING:
    "its containers started; ECS is finishing launch steps such as load balancer target registration and service discovery",
  RUNNING: "it is running",
  DEACTIVATING:
    "ECS is deregistering it before stopping it: load balancer targets (deregistration delay) and service discovery",
  STOPPING: "its containers are being stopped (SIGTERM, then SIGKILL after the stop timeout)",
  DEPROVISIONING: "its containers have stopped; ECS is releasing resources such as the network interface",
};

/** Undefined for a task to diagnose; otherwise what state it is in and what it is waiting for. */
export function notStopped(task: EcsTask): NotStopped | undefined {
  const lastStatus = task.lastStatus?.toUpperCase();
  if (lastStatus === undefined || lastStatus === "STOPPED" || isStoppedOrSpotNotice(task)) return undefined;
  const desiredStatus = task.desiredStatus?.toUpperCase();
  const state: NotStopped = {
    taskArn: task.taskArn,
    lastStatus,
    desiredStatus,
    waitingFor: WAITING_FOR[lastStatus] ?? `ECS reports it as ${lastStatus}`,
    stopping: desiredStatus === "STOPPED",
  };
  if (task.stopCode) state.stopCode = task.stopCode;
  if (task.stoppedReason) state.stoppedReason = task.stoppedReason;
  return state;
}

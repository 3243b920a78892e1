/**
 * A managed daemon's task that fails makes ECS drain the instance it ran on (a host whose required daemon cannot
 * run is replaced: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-daemons.md). This hook
 * remembers such a stop as the host's impairment, so the service tasks stopped by that drain say which daemon
 * stopped and why, instead of a bare "ECS drained its instance". Routine daemon stops (a drain that stopped the
 * daemon too, a scale-in, a deployment of the daemon) are not a cause and are not remembered.
 */
import { daemonFamily } from "../diagnosis/rules/platform-kind.js";
import type { Diagnosis } from "../diagnosis/types.js";
import type { EcsTask } from "../events/schemas.js";
import type { HostImpairment } from "../hosts/ports.js";
import type { Log } from "../log.js";
import type { TaskHook } from "./task-stopped.js";

/** Daemon stops that are the drain's effect, not its cause. */
const EFFECTS_OF_A_DRAIN = new Set(["instance-drained", "managed-instance-replaced"]);

function causesDrain(diagnosis: Diagnosis): boolean {
  return diagnosis.severity !== "info" && !EFFECTS_OF_A_DRAIN.has(diagnosis.subCause ?? "");
}

/** The impairment a failed daemon task leaves on its host, or nothing for a routine stop or a task of no host. */
export function daemonImpairment(
  task: EcsTask,
  diagnosis: Diagnosis,
  eventTime: string | undefined,
): HostImpairment | undefined {
  const family = daemonFamily(task);
  const since = task.stoppedAt ?? eventTime;
  if (!family || !task.containerInstanceArn || !since || !causesDrain(diagnosis)) return undefined;
  return {
    containerInstanceArn: task.containerInstanceArn,
    status: "DRAINING",
    since,
    problems: [`DAEMON — the daemon ${family} stopped: ${diagnosis.title}`],
    daemon: family,
  };
}

/** A task hook that records a failed daemon's host; a failed write is logged, never fails the stop's alert. */
export function daemonStopHook(remember: (impairment: HostImpairment) => Promise<void>, log: Log): TaskHook {
  return async (event, diagnosis) => {
    const impairment = daemonImpairment(event.detail, diagnosis, event.time);
    if (!impairment) return undefined;
    await remember(impairment).catch((error: unknown) => {
      log.warn("could not record the daemon's host; its drained tasks will not name it", {
        error: error instanceof Error ? error.message : String(error),
      });
    });
    return undefined;
  };
}

/** The parts of a task the engine reasons about, read once and normalised (lower-cased reasons, essential flags...). */
import { arnName, parseTaskDefinitionArn, serviceFromGroup } from "../events/arns.js";
import type { EcsContainer, EcsTask } from "../events/schemas.js";
import type { DiagnosisContext } from "./types.js";

export interface ContainerFacts {
  container: EcsContainer;
  name: string;
  essential: boolean;
  reason?: string;
  lowerReason?: string;
  exitCode?: number;
}

export interface TaskFacts {
  task: EcsTask;
  context: DiagnosisContext;
  stopCode?: string;
  stoppedReason?: string;
  lowerStoppedReason?: string;
  containers: ContainerFacts[];
  service?: string;
  family?: string;
  revision?: number;
  /** Belongs to a service (group `service:...` or started by `ecs-svc/...`). */
  serviceTask: boolean;
  /** ECS or a person stopped the task, so SIGTERM/SIGKILL exits are expected. */
  routineStop: boolean;
  /** The shape of the Spot notice: still RUNNING, desiredStatus STOPPED. */
  interruptionNotice: boolean;
  /** Printable owner: "service `api`", "task family `nightly`", "task `1a2b`". */
  subject: string;
  /** The task's AWS account, from its ARN. */
  account?: string;
}

/** Stop codes for which ECS (or a person) sent the signals, not the application. */
const ROUTINE_STOP_CODES = new Set([
  "ServiceSchedulerInitiated",
  "UserInitiated",
  "SpotInterruption",
  "TerminationNotice",
]);

function nonEmpty(text: string | null | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

function isEssential(
  container: EcsContainer,
  named: ReadonlySet<string> | undefined,
  anyFlagged: boolean,
): boolean {
  if (named) return named.has(container.name);
  if (anyFlagged) return container.essential === true;
  // Task events do not say which containers are essential: without knowledge, every container may be.
  return true;
}

export function readFacts(task: EcsTask, context: DiagnosisContext): TaskFacts {
  const named = context.essentialContainers?.length ? new Set(context.essentialContainers) : undefined;
  const anyFlagged = task.containers.some((c) => c.essential === true);
  const containers = task.containers.map((container): ContainerFacts => {
    const reason = nonEmpty(container.reason);
    return {
      container,
      name: container.name,
      essential: isEssential(container, named, anyFlagged),
      ...(reason ? { reason, lowerReason: reason.toLowerCase() } : {}),
      ...(container.exitCode === undefined ? {} : { exitCode: container.exitCode }),
    };
  });
  const stopCode = nonEmpty(task.stopCode);
  const stoppedReason = nonEmpty(task.stoppedReason);
  const service = serviceFromGroup(task.group);
  const definition = parseTaskDefinitionArn(task.taskDefinitionArn);
  const groupFamily = task.group?.startsWith("family:") ? task.group.slice("family:".length) : undefined;
  const family = definition?.family ?? groupFamily;
  const serviceTask = service !== undefined || (task.startedBy?.startsWith("ecs-svc/") ?? false);
  const lastStatus = task.lastStatus?.toUpperCase();
  const account = /^arn:aws[a-z-]*:ecs:[^:]*:(\d{12}):/.exec(task.taskArn)?.[1];
  const subject = service
    ? `service \`${service}\``
    : family
      ? `task family \`${family}\``
      : `task \`${arnName(task.taskArn) ?? task.taskArn}\``;
  return {
    task,
    context,
    ...(stopCode ? { stopCode } : {}),
    ...(stoppedReason ? { stoppedReason, lowerStoppedReason: stoppedReason.toLowerCase() } : {}),
    containers,
    ...(service ? { service } : {}),
    ...(family ? { family } : {}),
    ...(definition?.revision === undefined ? {} : { revision: definition.revision }),
    serviceTask,
    routineStop: stopCode !== undefined && ROUTINE_STOP_CODES.has(stopCode),
    interruptionNotice: lastStatus === "RUNNING" && task.desiredStatus?.toUpperCase() === "STOPPED",
    subject,
    ...(account ? { account } : {}),
  };
}

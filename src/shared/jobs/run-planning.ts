/**
 * Run planning: from a job, what is running now and the resolved task definition and network, decide whether
 * to run, skip or replace, and build the RunTask request. Pure: no AWS imports (RunTaskRequest mirrors the
 * fields of ECS RunTaskCommandInput we use, so the adapter passes it straight through).
 */
import { arnName } from "../events/arns.js";
import type { CapacityChoice } from "./start-attempts.js";
import { JOB_TAG, type JobSpec, RUN_ID_TAG } from "./types.js";

export interface AwsVpcNetwork {
  subnets: string[];
  securityGroups?: string[];
  assignPublicIp?: "ENABLED" | "DISABLED";
}

export interface RunTaskRequest {
  cluster: string;
  taskDefinition: string;
  count: 1;
  startedBy: string;
  launchType?: "FARGATE" | "EC2" | "EXTERNAL";
  capacityProviderStrategy?: { capacityProvider: string; weight?: number; base?: number }[];
  networkConfiguration?: { awsvpcConfiguration: AwsVpcNetwork };
  overrides?: {
    cpu?: string;
    memory?: string;
    containerOverrides?: {
      name: string;
      command?: string[];
      environment?: { name: string; value: string }[];
      cpu?: number;
      memory?: number;
    }[];
  };
  tags: { key: string; value: string }[];
  enableECSManagedTags: true;
  propagateTags: "TASK_DEFINITION";
}

/** A task of this job that ECS lists as not yet stopped. */
export interface RunningJobTask {
  taskArn: string;
  lastStatus?: string;
  desiredStatus?: string;
  startedAt?: Date;
  createdAt?: Date;
  /** The task's tags, when the lister asked for them. */
  tags?: Record<string, string>;
}

export interface PlanState {
  runningTasks: readonly RunningJobTask[];
  now: Date;
  runId: string;
  /** The resolved task definition ARN (the job's own reference when unresolved). */
  taskDefinitionArn?: string;
  /** The awsvpc configuration, from the job or from the service named in network.fromService. */
  network?: AwsVpcNetwork;
  capacity?: CapacityChoice;
}

export type RunPlan =
  | { action: "run" | "replace"; reason: string; runTaskInput: RunTaskRequest; tasksToStop: string[] }
  | { action: "skip"; reason: string; runTaskInput?: undefined; tasksToStop: [] };

const STARTED_BY_MAX = 36;
const STARTED_BY_PREFIX = "job/";

/** FNV-1a, 32 bit: a short stable fingerprint without importing crypto into a pure module. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/**
 * RunTask's startedBy names the job so ListTasks can find its runs. ECS allows 36 characters of letters,
 * digits, "-", "/" and "_" (no ":"), so long names keep a prefix plus a fingerprint of the whole name.
 */
export function startedByFor(jobName: string): string {
  const full = `${STARTED_BY_PREFIX}${jobName}`;
  if (full.length <= STARTED_BY_MAX) return full;
  const hash = fingerprint(jobName);
  const room = STARTED_BY_MAX - STARTED_BY_PREFIX.length - hash.length - 1;
  return `${STARTED_BY_PREFIX}${jobName.slice(0, room)}-${hash}`;
}

/** Tasks that still hold the job's slot: not stopped and not already on their way out. */
export function activeTasks(job: JobSpec, tasks: readonly RunningJobTask[]): RunningJobTask[] {
  return tasks.filter(
    (task) =>
      task.lastStatus !== "STOPPED" &&
      task.desiredStatus !== "STOPPED" &&
      // startedBy is truncated for long names: the tag, when known, says which job it really is.
      (task.tags === undefined || task.tags[JOB_TAG] === undefined || task.tags[JOB_TAG] === job.name),
  );
}

export function buildRunTaskRequest(job: JobSpec, state: PlanState): RunTaskRequest {
  const request: RunTaskRequest = {
    cluster: job.cluster,
    taskDefinition: state.taskDefinitionArn ?? job.taskDefinition,
    count: 1,
    startedBy: startedByFor(job.name),
    tags: [
      ...Object.entries(job.tags).map(([key, value]) => ({ key, value })),
      { key: JOB_TAG, value: job.name },
      { key: RUN_ID_TAG, value: state.runId },
    ],
    enableECSManagedTags: true,
    propagateTags: "TASK_DEFINITION",
  };
  const capacity = state.capacity;
  if (capacity?.launchType) request.launchType = capacity.launchType;
  if (capacity?.capacityProviderStrategy) {
    request.capacityProviderStrategy = capacity.capacityProviderStrategy.map((item) => ({ ...item }));
  }
  if (!capacity && job.capacity?.kind === "launch-type") request.launchType = job.capacity.launchType;
  if (!capacity && job.capacity?.kind === "capacity-providers") {
    request.capacityProviderStrategy = job.capacity.strategy.map((item) => ({ ...item }));
  }
  const network =
    state.network ??
    (job.network?.kind === "explicit"
      ? {
          subnets: job.network.subnets,
          securityGroups: job.network.securityGroups,
          assignPublicIp: job.network.assignPublicIp,
        }
      : undefined);
  if (network) request.networkConfiguration = { awsvpcConfiguration: network };

  const containerOverrides = job.containerOverrides.map((spec) => ({
    name: spec.name,
    ...(spec.command ? { command: spec.command } : {}),
    ...(spec.environment
      ? { environment: Object.entries(spec.environment).map(([name, value]) => ({ name, value })) }
      : {}),
    ...(spec.cpu !== undefined ? { cpu: spec.cpu } : {}),
    ...(spec.memory !== undefined ? { memory: spec.memory } : {}),
  }));
  if (containerOverrides.length > 0 || job.taskCpu || job.taskMemory) {
    request.overrides = {
      ...(job.taskCpu ? { cpu: job.taskCpu } : {}),
      ...(job.taskMemory ? { memory: job.taskMemory } : {}),
      ...(containerOverrides.length > 0 ? { containerOverrides } : {}),
    };
  }
  return request;
}

function taskId(arn: string): string {
  return arnName(arn) ?? arn;
}

function since(task: RunningJobTask, now: Date): string {
  const start = task.startedAt ?? task.createdAt;
  if (!start) return "";
  const minutes = Math.max(0, Math.round((now.getTime() - start.getTime()) / 60_000));
  return ` (started ${minutes} min ago)`;
}

/** Decides run / skip / replace by the job's overlap policy and builds the RunTask request. */
export function planRun(job: JobSpec, state: PlanState): RunPlan {
  const active = activeTasks(job, state.runningTasks);
  const first = active[0];
  if (first && job.overlap === "skip") {
    const more = active.length > 1 ? ` and ${active.length - 1} more` : "";
    return {
      action: "skip",
      reason: `previous run ${taskId(first.taskArn)}${since(first, state.now)}${more} is still running; overlap is "skip"`,
      tasksToStop: [],
    };
  }
  const runTaskInput = buildRunTaskRequest(job, state);
  if (first && job.overlap === "replace") {
    return {
      action: "replace",
      reason: `stopping ${active.length} running task(s) of the previous run; overlap is "replace"`,
      runTaskInput,
      tasksToStop: active.map((task) => task.taskArn),
    };
  }
  const reason = first
    ? `${active.length} earlier run(s) still running; overlap is "allow"`
    : "no run of this job is in progress";
  return { action: "run", reason, runTaskInput, tasksToStop: [] };
}

/** StopTask reason when a new run replaces an old one (ECS keeps at most 255 characters). */
export function replacedReason(jobName: string, runId: string): string {
  return `ecs-sentinel: job ${jobName} replaced by run ${runId}`.slice(0, 255);
}

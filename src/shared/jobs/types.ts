/** The validated, defaulted form of a job from jobs.yml (see jobs-file.ts for the file format). */
import type { ScheduleExpression } from "./schedule-syntax.cjs";

export type { AtSchedule, CronSchedule, RateSchedule, ScheduleExpression } from "./schedule-syntax.cjs";

export const OVERLAP_POLICIES = ["skip", "allow", "replace"] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

export const NOTIFY_ON = ["failure", "always", "never"] as const;
export type NotifyOn = (typeof NOTIFY_ON)[number];

export const LAUNCH_TYPES = ["FARGATE", "EC2", "EXTERNAL"] as const;
export type LaunchType = (typeof LAUNCH_TYPES)[number];

export interface ContainerOverrideSpec {
  name: string;
  command?: string[];
  environment?: Record<string, string>;
  cpu?: number;
  memory?: number;
}

export interface CapacityProviderItem {
  capacityProvider: string;
  weight?: number;
  base?: number;
}

/** Where the task runs. No capacity at all means the cluster's default capacity provider strategy. */
export type CapacitySpec =
  | { kind: "launch-type"; launchType: LaunchType }
  | {
      kind: "capacity-providers";
      strategy: CapacityProviderItem[];
      /** Capacity provider to use alone when the strategy has no capacity (e.g. FARGATE after FARGATE_SPOT). */
      fallback?: string;
    };

export type NetworkSpec =
  | { kind: "explicit"; subnets: string[]; securityGroups: string[]; assignPublicIp: "ENABLED" | "DISABLED" }
  /** Reuse the awsvpc configuration of a service in the job's cluster. */
  | { kind: "from-service"; service: string };

export interface NotifySpec {
  on: NotifyOn;
  /** Channel names (e.g. "slack", "email"); undefined means every configured channel. */
  channels?: string[];
}

export interface JobSpec {
  name: string;
  description?: string;
  schedule: ScheduleExpression;
  /** IANA zone the schedule is read in (default UTC). */
  timezone: string;
  /** The AWS account the task runs in, through its member role; undefined: the hub's own. */
  account?: string;
  /** The region the task runs in; undefined: the hub's own. */
  region?: string;
  cluster: string;
  /** `family`, `family:revision` or a task definition ARN, as written. */
  taskDefinition: string;
  containerOverrides: ContainerOverrideSpec[];
  /** Task-level size overrides, as RunTask takes them ("1024", "2048"). */
  taskCpu?: string;
  taskMemory?: string;
  capacity?: CapacitySpec;
  network?: NetworkSpec;
  overlap: OverlapPolicy;
  /** Stop the task after this long; undefined means no limit. */
  maxRuntimeSeconds?: number;
  /** RunTask attempts after the first when the task fails to start for a retryable reason. */
  startRetries: number;
  /** How late a scheduled run may start before the watchdog calls it missed. */
  missedRunGraceSeconds: number;
  notify: NotifySpec;
  tags: Record<string, string>;
  enabled: boolean;
}

export interface JobsFile {
  fileName: string;
  jobs: JobSpec[];
}

export const JOB_DEFAULTS = {
  timezone: "UTC",
  overlap: "skip" as OverlapPolicy,
  startRetries: 2,
  missedRunGraceSeconds: 15 * 60,
  notifyOn: "failure" as NotifyOn,
  assignPublicIp: "DISABLED" as const,
};

/** Tag keys ecs-sentinel sets on every job task; users may not set them. */
export const JOB_TAG = "ecs-sentinel:job";
export const RUN_ID_TAG = "ecs-sentinel:run-id";
export const RESERVED_TAG_PREFIX = "ecs-sentinel:";

/**
 * The one definition of every field of jobs.yml: its type, constraints, default, meaning and an example.
 * The validator (job-validation.ts, jobs-document.ts) takes its field names, enumerations and ranges from here,
 * the JSON Schema (schemas/jobs.schema.json, `npm run schema`) and the README's field table are generated from
 * it, and tests keep the three in step. Pure data.
 */
import { JOB_NAME_PATTERN } from "./schedule-syntax.cjs";
import { JOB_DEFAULTS, LAUNCH_TYPES, NOTIFY_ON, OVERLAP_POLICIES } from "./types.js";

export type FieldType =
  | { kind: "string"; pattern?: string; maxLength?: number }
  | { kind: "enum"; values: readonly string[] }
  | { kind: "integer"; minimum: number; maximum: number }
  /** A task size as RunTask takes it: a number, or a string of digits. */
  | { kind: "size" }
  | { kind: "boolean" }
  | { kind: "duration" }
  | { kind: "schedule" }
  | { kind: "timezone" }
  | { kind: "string-list" }
  | { kind: "string-map" }
  | { kind: "object"; fields: readonly FieldDef[] }
  | { kind: "object-list"; fields: readonly FieldDef[] };

export interface FieldDef {
  name: string;
  type: FieldType;
  description: string;
  /** The default as a person would write it; absent when there is none. */
  default?: string;
  example: string;
  /** Required in every job (after `defaults` are applied). */
  required?: boolean;
  /** May not be set under `defaults`. */
  perJobOnly?: boolean;
}

export const JOB_NAME_MAX = 64;
export const CONTAINER_CPU = { minimum: 0, maximum: 65_536 } as const;
export const CONTAINER_MEMORY = { minimum: 6, maximum: 1_048_576 } as const;
export const STRATEGY_WEIGHT = { minimum: 0, maximum: 1000 } as const;
export const STRATEGY_BASE = { minimum: 0, maximum: 100_000 } as const;
export const START_RETRIES = { minimum: 0, maximum: 10 } as const;
export const ASSIGN_PUBLIC_IP = ["ENABLED", "DISABLED"] as const;
export const ACCOUNT_PATTERN = /^\d{12}$/;
/** An AWS region name: us-east-1, eu-central-2, us-gov-west-1, ap-southeast-5. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+){1,2}-\d{1,2}$/;

const CONTAINER_FIELDS: readonly FieldDef[] = [
  {
    name: "name",
    type: { kind: "string" },
    required: true,
    description: "Container name in the task definition; each container at most once.",
    example: "app",
  },
  {
    name: "command",
    type: { kind: "string-list" },
    description: "Replaces the container's command, one list item per argument.",
    example: '["npm", "run", "migrate"]',
  },
  {
    name: "environment",
    type: { kind: "string-map" },
    description:
      "Environment variables added to (or replacing) the task definition's; values become strings.",
    example: "{ LOG_LEVEL: info }",
  },
  {
    name: "cpu",
    type: { kind: "integer", ...CONTAINER_CPU },
    description: "CPU units reserved for the container (1024 = one vCPU).",
    example: "512",
  },
  {
    name: "memory",
    type: { kind: "integer", ...CONTAINER_MEMORY },
    description: "Hard memory limit of the container in MiB.",
    example: "4096",
  },
];

const OVERRIDE_FIELDS: readonly FieldDef[] = [
  {
    name: "containers",
    type: { kind: "object-list", fields: CONTAINER_FIELDS },
    description: "Per-container overrides, by container name.",
    example: "[{ name: app, command: [npm, run, migrate] }]",
  },
  {
    name: "cpu",
    type: { kind: "size" },
    description: "Task-level CPU units for this run (Fargate: a valid cpu/memory pair).",
    example: "2048",
  },
  {
    name: "memory",
    type: { kind: "size" },
    description: "Task-level memory in MiB for this run.",
    example: "4096",
  },
];

const STRATEGY_FIELDS: readonly FieldDef[] = [
  {
    name: "capacityProvider",
    type: { kind: "string" },
    required: true,
    description:
      "Capacity provider name: FARGATE, FARGATE_SPOT or one of the cluster's Auto Scaling providers.",
    example: "FARGATE_SPOT",
  },
  {
    name: "weight",
    type: { kind: "integer", ...STRATEGY_WEIGHT },
    description: "Relative share of tasks placed on this provider.",
    example: "1",
  },
  {
    name: "base",
    type: { kind: "integer", ...STRATEGY_BASE },
    description: "Tasks placed on this provider before the weights apply.",
    example: "0",
  },
];

const CAPACITY_FIELDS: readonly FieldDef[] = [
  {
    name: "launchType",
    type: { kind: "enum", values: LAUNCH_TYPES },
    description: "Launch type; set this or capacityProviderStrategy, not both.",
    example: "FARGATE",
  },
  {
    name: "capacityProviderStrategy",
    type: { kind: "object-list", fields: STRATEGY_FIELDS },
    description: "Capacity provider strategy; set this or launchType, not both.",
    example: "[{ capacityProvider: FARGATE_SPOT, weight: 1 }]",
  },
  {
    name: "fallback",
    type: { kind: "string" },
    description:
      "Capacity provider to use alone when the strategy has no capacity after the start retries (needs a strategy).",
    example: "FARGATE",
  },
];

const NETWORK_FIELDS: readonly FieldDef[] = [
  {
    name: "subnets",
    type: { kind: "string-list" },
    description: "Subnet ids for the awsvpc network mode (required unless fromService).",
    example: "[subnet-0a1b2c3d4e5f60718]",
  },
  {
    name: "securityGroups",
    type: { kind: "string-list" },
    description: "Security group ids; none means the VPC's default security group.",
    example: "[sg-0123456789abcdef0]",
  },
  {
    name: "assignPublicIp",
    type: { kind: "enum", values: ASSIGN_PUBLIC_IP },
    default: JOB_DEFAULTS.assignPublicIp,
    description: "Give the task a public IP (Fargate only; needed in a public subnet without a NAT gateway).",
    example: "DISABLED",
  },
  {
    name: "fromService",
    type: { kind: "string" },
    description:
      "Reuse the subnets, security groups and public IP setting of this service in the job's cluster, read at run time.",
    example: "api",
  },
];

const NOTIFY_FIELDS: readonly FieldDef[] = [
  {
    name: "on",
    type: { kind: "enum", values: NOTIFY_ON },
    default: JOB_DEFAULTS.notifyOn,
    description: "When to notify: only failed runs, every run, or never.",
    example: "always",
  },
  {
    name: "channels",
    type: { kind: "string-list" },
    description: "Channel names to notify; every configured channel when not set.",
    example: "[slack, email]",
  },
];

/** Every field of a job, in the order the README and the schema list them. */
export const JOB_FIELDS: readonly FieldDef[] = [
  {
    name: "name",
    type: { kind: "string", pattern: JOB_NAME_PATTERN.source, maxLength: JOB_NAME_MAX },
    required: true,
    perJobOnly: true,
    description:
      "Unique job name: letters, digits, - and _, at most 64. It becomes the schedule's name and the task's startedBy.",
    example: "nightly-migration",
  },
  {
    name: "description",
    type: { kind: "string" },
    perJobOnly: true,
    description: "Free text shown by `jobs list` and used as the schedule's description.",
    example: "Apply pending schema migrations",
  },
  {
    name: "schedule",
    type: { kind: "schedule" },
    required: true,
    perJobOnly: true,
    description:
      'EventBridge Scheduler expression: cron(minutes hours day-of-month month day-of-week year) with "?" in one day field, rate(VALUE minutes|hours|days), or at(yyyy-mm-ddThh:mm:ss) in the time zone.',
    example: "cron(0 3 * * ? *)",
  },
  {
    name: "timezone",
    type: { kind: "timezone" },
    default: JOB_DEFAULTS.timezone,
    description:
      "IANA time zone the schedule is read in. Local times inside a daylight-saving change are warned about.",
    example: "Europe/Berlin",
  },
  {
    name: "account",
    type: { kind: "string", pattern: ACCOUNT_PATTERN.source },
    description:
      "12-digit AWS account the task runs in, through its member role (hub mode; the account must be allowed by ALLOWED_ACCOUNTS). The schedule stays in the hub. The hub's own account when not set.",
    example: '"111111111111"',
  },
  {
    name: "region",
    type: { kind: "string", pattern: REGION_PATTERN.source },
    description:
      "AWS region the task runs in (its cluster, task definition and service are read there). The hub's own region when not set.",
    example: "eu-west-1",
  },
  {
    name: "cluster",
    type: { kind: "string" },
    required: true,
    description: "ECS cluster name or ARN the task runs in.",
    example: "production",
  },
  {
    name: "taskDefinition",
    type: { kind: "string" },
    required: true,
    description:
      "Task definition: a family (its latest ACTIVE revision at run time), family:revision, or an ARN.",
    example: "app-migrate",
  },
  {
    name: "overrides",
    type: { kind: "object", fields: OVERRIDE_FIELDS },
    description: "RunTask overrides: task size and per-container command, environment and size.",
    example: "{ containers: [{ name: app, command: [npm, run, migrate] }] }",
  },
  {
    name: "capacity",
    type: { kind: "object", fields: CAPACITY_FIELDS },
    description: "Where the task runs; the cluster's default capacity provider strategy when not set.",
    example: "{ launchType: FARGATE }",
  },
  {
    name: "network",
    type: { kind: "object", fields: NETWORK_FIELDS },
    description: "awsvpc network configuration (required on Fargate): explicit, or copied from a service.",
    example: "{ fromService: api }",
  },
  {
    name: "overlap",
    type: { kind: "enum", values: OVERLAP_POLICIES },
    default: JOB_DEFAULTS.overlap,
    description:
      "When the previous run still runs: skip the new one, allow both, or replace (stop the old, start the new).",
    example: "skip",
  },
  {
    name: "maxRuntime",
    type: { kind: "duration" },
    description: "The watchdog stops a run after this long; no limit when not set.",
    example: "2h",
  },
  {
    name: "startRetries",
    type: { kind: "integer", ...START_RETRIES },
    default: String(JOB_DEFAULTS.startRetries),
    description: "RunTask attempts after the first when the task fails to start for a retryable reason.",
    example: "3",
  },
  {
    name: "missedRunGrace",
    type: { kind: "duration" },
    default: "15m",
    description: "How late a scheduled run may start before the watchdog raises a missed-run alarm.",
    example: "10m",
  },
  {
    name: "notify",
    type: { kind: "object", fields: NOTIFY_FIELDS },
    description: "Whom to notify about runs, and when.",
    example: "{ on: always, channels: [slack] }",
  },
  {
    name: "tags",
    type: { kind: "string-map" },
    description:
      'Tags of the task (at most 48; the prefixes "ecs-sentinel:" and "aws:" are reserved). Default tags are merged under the job\'s.',
    example: "{ team: platform }",
  },
  {
    name: "enabled",
    type: { kind: "boolean" },
    default: "true",
    description: "false keeps the job in the file with its schedule disabled.",
    example: "false",
  },
];

/** The fields `defaults` may set. */
export const DEFAULT_FIELDS: readonly FieldDef[] = JOB_FIELDS.filter((field) => !field.perJobOnly);

/** The top level of the file. */
export const FILE_FIELDS: readonly FieldDef[] = [
  {
    name: "defaults",
    type: { kind: "object", fields: DEFAULT_FIELDS },
    description: "Values for every job that does not set the field itself (tags are merged).",
    example: "{ cluster: production, timezone: Europe/Berlin }",
  },
  {
    name: "jobs",
    type: { kind: "object-list", fields: JOB_FIELDS },
    description: "The jobs, each turned into one EventBridge Scheduler schedule.",
    example: "[{ name: nightly, schedule: cron(0 3 * * ? *), taskDefinition: app }]",
  },
];

/** The names of `fields`. */
export function fieldNames(fields: readonly FieldDef[]): string[] {
  return fields.map((field) => field.name);
}

/** The sub-fields of the object (or list of objects) field `name` of `fields`; empty when there are none. */
export function subFields(fields: readonly FieldDef[], name: string): readonly FieldDef[] {
  const type = fields.find((field) => field.name === name)?.type;
  return type?.kind === "object" || type?.kind === "object-list" ? type.fields : [];
}

/**
 * Validates one job entry of jobs.yml (already merged with the file's `defaults`) into a JobSpec.
 * Every problem is reported through `report(field, problem)` and validation goes on, so a file with five
 * mistakes shows all five at once. Pure.
 */
import { crossFieldProblems } from "./job-cross-checks.js";
import {
  ACCOUNT_PATTERN,
  ASSIGN_PUBLIC_IP,
  CONTAINER_CPU,
  CONTAINER_MEMORY,
  fieldNames,
  JOB_FIELDS,
  REGION_PATTERN,
  START_RETRIES,
  STRATEGY_BASE,
  STRATEGY_WEIGHT,
  subFields,
} from "./job-fields.js";
import {
  describe,
  duration,
  isRecord,
  oneOf,
  positiveInteger,
  type Raw,
  type Report,
  stringList,
  stringMap,
  text,
  unknownKeys,
} from "./job-values.js";
import { checkJobName, checkTimeZone, parseScheduleExpression } from "./schedule-syntax.cjs";
import {
  type CapacityProviderItem,
  type CapacitySpec,
  type ContainerOverrideSpec,
  JOB_DEFAULTS,
  type JobSpec,
  LAUNCH_TYPES,
  type LaunchType,
  type NetworkSpec,
  NOTIFY_ON,
  type NotifySpec,
  OVERLAP_POLICIES,
  type OverlapPolicy,
  RESERVED_TAG_PREFIX,
} from "./types.js";

export { isRecord, type Report } from "./job-values.js";

/** Keys a job may have (job-fields.ts); all but the per-job ones may also come from `defaults`. */
export const JOB_KEYS: readonly string[] = fieldNames(JOB_FIELDS);
export const PER_JOB_ONLY_KEYS: readonly string[] = fieldNames(
  JOB_FIELDS.filter((field) => field.perJobOnly),
);
const OVERRIDES = subFields(JOB_FIELDS, "overrides");
const CONTAINERS = subFields(OVERRIDES, "containers");
const CAPACITY = subFields(JOB_FIELDS, "capacity");
const STRATEGY = subFields(CAPACITY, "capacityProviderStrategy");
const NETWORK = subFields(JOB_FIELDS, "network");
const NOTIFY = subFields(JOB_FIELDS, "notify");

const TASK_DEFINITION_ARN =
  /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/;
const TASK_DEFINITION_REF = /^[A-Za-z0-9_-]{1,255}(:[1-9]\d*)?$/;
const MAX_USER_TAGS = 48; // RunTask takes 50 tags; ecs-sentinel adds two of its own.

function containerOverride(raw: unknown, field: string, report: Report): ContainerOverrideSpec | undefined {
  if (!isRecord(raw)) {
    report(field, `must be a mapping with a container name, got ${describe(raw)}`);
    return undefined;
  }
  unknownKeys(raw, CONTAINERS, field, report);
  const name = text(raw.name, `${field}.name`, report, true);
  const command = stringList(raw.command, `${field}.command`, report);
  const environment = stringMap(raw.environment, `${field}.environment`, report);
  const cpu = positiveInteger(raw.cpu, `${field}.cpu`, report, CONTAINER_CPU.minimum, CONTAINER_CPU.maximum);
  const memory = positiveInteger(
    raw.memory,
    `${field}.memory`,
    report,
    CONTAINER_MEMORY.minimum,
    CONTAINER_MEMORY.maximum,
  );
  if (name === undefined) return undefined;
  return { name, command, environment, cpu, memory };
}

function overrides(raw: unknown, report: Report) {
  if (raw === undefined || raw === null) return { containers: [] as ContainerOverrideSpec[] };
  if (!isRecord(raw)) {
    report("overrides", `must be a mapping (containers, cpu, memory), got ${describe(raw)}`);
    return { containers: [] };
  }
  unknownKeys(raw, OVERRIDES, "overrides", report);
  const containers: ContainerOverrideSpec[] = [];
  if (raw.containers !== undefined && !Array.isArray(raw.containers)) {
    report("overrides.containers", `must be a list, got ${describe(raw.containers)}`);
  } else if (Array.isArray(raw.containers)) {
    const seen = new Set<string>();
    raw.containers.forEach((item, i) => {
      const spec = containerOverride(item, `overrides.containers[${i}]`, report);
      if (spec && seen.has(spec.name))
        report(`overrides.containers[${i}].name`, `"${spec.name}" appears twice`);
      if (spec) seen.add(spec.name);
      if (spec) containers.push(spec);
    });
  }
  const size = (value: unknown, field: string) => {
    if (value === undefined || value === null) return undefined;
    if ((typeof value === "number" && value > 0) || (typeof value === "string" && /^\d+$/.test(value))) {
      return String(value);
    }
    report(field, `must be a number like 1024, got ${describe(value)}`);
    return undefined;
  };
  return { containers, cpu: size(raw.cpu, "overrides.cpu"), memory: size(raw.memory, "overrides.memory") };
}

function capacityItem(raw: unknown, field: string, report: Report): CapacityProviderItem | undefined {
  if (!isRecord(raw)) {
    report(field, `must be a mapping with capacityProvider, got ${describe(raw)}`);
    return undefined;
  }
  unknownKeys(raw, STRATEGY, field, report);
  const capacityProvider = text(raw.capacityProvider, `${field}.capacityProvider`, report, true);
  const weight = positiveInteger(
    raw.weight,
    `${field}.weight`,
    report,
    STRATEGY_WEIGHT.minimum,
    STRATEGY_WEIGHT.maximum,
  );
  const base = positiveInteger(
    raw.base,
    `${field}.base`,
    report,
    STRATEGY_BASE.minimum,
    STRATEGY_BASE.maximum,
  );
  return capacityProvider === undefined ? undefined : { capacityProvider, weight, base };
}

function capacity(raw: unknown, report: Report): CapacitySpec | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) {
    report("capacity", `must be a mapping (launchType, or capacityProviderStrategy), got ${describe(raw)}`);
    return undefined;
  }
  unknownKeys(raw, CAPACITY, "capacity", report);
  const hasStrategy = raw.capacityProviderStrategy !== undefined;
  if (raw.launchType !== undefined && hasStrategy) {
    report("capacity", "set either launchType or capacityProviderStrategy, not both");
    return undefined;
  }
  if (!hasStrategy) {
    if (raw.fallback !== undefined)
      report("capacity.fallback", "needs a capacityProviderStrategy to fall back from");
    const launchType = oneOf<LaunchType>(raw.launchType, LAUNCH_TYPES, "capacity.launchType", report);
    if (raw.launchType === undefined) report("capacity", "needs launchType or capacityProviderStrategy");
    return launchType === undefined ? undefined : { kind: "launch-type", launchType };
  }
  if (!Array.isArray(raw.capacityProviderStrategy) || raw.capacityProviderStrategy.length === 0) {
    report("capacity.capacityProviderStrategy", "must be a non-empty list");
    return undefined;
  }
  const strategy = raw.capacityProviderStrategy.map((item, i) =>
    capacityItem(item, `capacity.capacityProviderStrategy[${i}]`, report),
  );
  const fallback = text(raw.fallback, "capacity.fallback", report);
  if (strategy.some((item) => item === undefined)) return undefined;
  const items = strategy as CapacityProviderItem[];
  if (fallback !== undefined && items.length === 1 && items[0]?.capacityProvider === fallback) {
    report("capacity.fallback", `"${fallback}" is already the strategy; fall back to another provider`);
  }
  return { kind: "capacity-providers", strategy: items, fallback };
}

function network(raw: unknown, report: Report): NetworkSpec | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) {
    report("network", `must be a mapping (subnets, securityGroups, assignPublicIp, or fromService)`);
    return undefined;
  }
  unknownKeys(raw, NETWORK, "network", report);
  if (raw.fromService !== undefined) {
    if (raw.subnets !== undefined || raw.securityGroups !== undefined || raw.assignPublicIp !== undefined) {
      report("network", "set either fromService or subnets/securityGroups/assignPublicIp, not both");
    }
    const service = text(raw.fromService, "network.fromService", report);
    return service === undefined ? undefined : { kind: "from-service", service };
  }
  const subnets = stringList(raw.subnets, "network.subnets", report);
  if (raw.subnets === undefined) report("network.subnets", "is required (or use network.fromService)");
  const securityGroups = stringList(raw.securityGroups, "network.securityGroups", report) ?? [];
  const assignPublicIp =
    oneOf(raw.assignPublicIp, ASSIGN_PUBLIC_IP, "network.assignPublicIp", report) ??
    JOB_DEFAULTS.assignPublicIp;
  return subnets === undefined ? undefined : { kind: "explicit", subnets, securityGroups, assignPublicIp };
}

function notify(raw: unknown, report: Report): NotifySpec {
  const fallback: NotifySpec = { on: JOB_DEFAULTS.notifyOn };
  if (raw === undefined || raw === null) return fallback;
  if (!isRecord(raw)) {
    report("notify", `must be a mapping (on, channels), got ${describe(raw)}`);
    return fallback;
  }
  unknownKeys(raw, NOTIFY, "notify", report);
  const on = oneOf(raw.on, NOTIFY_ON, "notify.on", report) ?? JOB_DEFAULTS.notifyOn;
  const channels = stringList(raw.channels, "notify.channels", report);
  return channels ? { on, channels } : { on };
}

function tags(raw: unknown, report: Report): Record<string, string> {
  const out = stringMap(raw, "tags", report) ?? {};
  for (const key of Object.keys(out)) {
    if (key.startsWith(RESERVED_TAG_PREFIX) || key.toLowerCase().startsWith("aws:")) {
      report(`tags.${key}`, `the prefixes "${RESERVED_TAG_PREFIX}" and "aws:" are reserved`);
    }
  }
  if (Object.keys(out).length > MAX_USER_TAGS) report("tags", `at most ${MAX_USER_TAGS} tags`);
  return out;
}

/**
 * YAML reads an unquoted `111111111111` as a number: twelve digits are taken as they are, but an id with a leading
 * zero has lost it by then, so the problem asks for quotes.
 */
function account(raw: unknown, report: Report): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const value = typeof raw === "number" && Number.isInteger(raw) ? String(raw) : raw;
  if (typeof value === "string" && ACCOUNT_PATTERN.test(value.trim())) return value.trim();
  const hint = typeof raw === "number" ? ' (quote it: YAML drops the leading zeros of "012345678901")' : "";
  report("account", `must be a 12-digit AWS account id${hint}, got ${describe(raw)}`);
  return undefined;
}

function region(raw: unknown, report: Report): string | undefined {
  const value = text(raw, "region", report);
  if (value === undefined || REGION_PATTERN.test(value)) return value;
  report("region", `must be an AWS region name like eu-west-1, got ${describe(raw)}`);
  return undefined;
}

/** A cluster or task definition given as an ARN names its own account and region: they must be the job's. */
function arnScopeProblems(
  fields: { cluster?: string; taskDefinition?: string },
  scope: { account?: string; region?: string },
  report: Report,
): void {
  for (const [field, value] of Object.entries(fields)) {
    if (!value?.startsWith("arn:")) continue;
    const [, , , arnRegion, arnAccount] = value.split(":");
    if (scope.account !== undefined && arnAccount !== scope.account)
      report(field, `is in account ${arnAccount}, but the job runs in account ${scope.account}`);
    if (scope.region !== undefined && arnRegion !== scope.region)
      report(field, `is in region ${arnRegion}, but the job runs in region ${scope.region}`);
  }
}

function taskDefinition(raw: unknown, report: Report): string | undefined {
  const value = text(raw, "taskDefinition", report, true);
  if (value === undefined) return undefined;
  if (value.startsWith("arn:") ? TASK_DEFINITION_ARN.test(value) : TASK_DEFINITION_REF.test(value))
    return value;
  report("taskDefinition", `"${value}" must be a family, family:revision or a task definition ARN`);
  return undefined;
}

function usesFargate(spec: CapacitySpec | undefined): boolean {
  if (spec?.kind === "launch-type") return spec.launchType === "FARGATE";
  if (spec?.kind === "capacity-providers") {
    return [...spec.strategy.map((item) => item.capacityProvider), spec.fallback].some((p) =>
      p?.startsWith("FARGATE"),
    );
  }
  return false;
}

/** Validates one merged job entry; undefined when any field is invalid (all problems reported). */
export function validateJob(raw: Raw, report: Report): JobSpec | undefined {
  let failed = false;
  const track: Report = (field, problem) => {
    failed = true;
    report(field, problem);
  };
  unknownKeys(raw, JOB_FIELDS, "", track);

  const nameCheck = checkJobName(raw.name);
  if (!nameCheck.ok) track("name", nameCheck.problem);
  const scheduleCheck = raw.schedule === undefined ? undefined : parseScheduleExpression(raw.schedule);
  if (scheduleCheck === undefined) track("schedule", "is required");
  else if (!scheduleCheck.ok) track("schedule", scheduleCheck.problem);
  const zoneCheck = checkTimeZone(raw.timezone ?? JOB_DEFAULTS.timezone);
  if (!zoneCheck.ok) track("timezone", zoneCheck.problem);

  const description = text(raw.description, "description", track);
  const jobAccount = account(raw.account, track);
  const jobRegion = region(raw.region, track);
  const cluster = text(raw.cluster, "cluster", track, true);
  const taskDef = taskDefinition(raw.taskDefinition, track);
  arnScopeProblems({ cluster, taskDefinition: taskDef }, { account: jobAccount, region: jobRegion }, track);
  const sized = overrides(raw.overrides, track);
  const capacitySpec = capacity(raw.capacity, track);
  const networkSpec = network(raw.network, track);
  if (usesFargate(capacitySpec) && raw.network === undefined) {
    track("network", "is required for Fargate (subnets and securityGroups, or fromService)");
  }
  const crossInput = { capacity: capacitySpec, network: networkSpec, containers: sized.containers };
  for (const [field, problem] of crossFieldProblems({
    ...crossInput,
    taskCpu: sized.cpu,
    taskMemory: sized.memory,
  }))
    track(field, problem);
  const overlap =
    oneOf<OverlapPolicy>(raw.overlap, OVERLAP_POLICIES, "overlap", track) ?? JOB_DEFAULTS.overlap;
  const maxRuntimeSeconds = duration(raw.maxRuntime, "maxRuntime", track);
  const startRetries =
    positiveInteger(raw.startRetries, "startRetries", track, START_RETRIES.minimum, START_RETRIES.maximum) ??
    JOB_DEFAULTS.startRetries;
  const missedRunGraceSeconds =
    duration(raw.missedRunGrace, "missedRunGrace", track) ?? JOB_DEFAULTS.missedRunGraceSeconds;
  const notifySpec = notify(raw.notify, track);
  const tagMap = tags(raw.tags, track);
  let enabled = true;
  if (raw.enabled !== undefined && typeof raw.enabled !== "boolean") {
    track("enabled", `must be true or false, got ${describe(raw.enabled)}`);
  } else if (raw.enabled === false) {
    enabled = false;
  }

  if (failed || !nameCheck.ok || !scheduleCheck?.ok || !zoneCheck.ok || !cluster || !taskDef)
    return undefined;
  return {
    name: nameCheck.value,
    description,
    schedule: scheduleCheck.value,
    timezone: zoneCheck.value,
    ...(jobAccount ? { account: jobAccount } : {}),
    ...(jobRegion ? { region: jobRegion } : {}),
    cluster,
    taskDefinition: taskDef,
    containerOverrides: sized.containers,
    taskCpu: sized.cpu,
    taskMemory: sized.memory,
    capacity: capacitySpec,
    network: networkSpec,
    overlap,
    maxRuntimeSeconds,
    startRetries,
    missedRunGraceSeconds,
    notify: notifySpec,
    tags: tagMap,
    enabled,
  };
}

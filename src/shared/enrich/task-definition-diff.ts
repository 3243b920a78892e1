/**
 * "What changed": the differences between two task definitions that explain a failing deployment, e.g. the
 * failing revision against the service's last successful one. Environment variables and secrets are compared
 * by NAME only: a value never appears in the output, not even a changed one. Pure.
 */
import { maskSecrets } from "./masking.js";

/** The fields compared, shaped like DescribeTaskDefinition's `taskDefinition` (SDK object or JSON). */
export interface TaskDefinitionShape {
  cpu?: string;
  memory?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  networkMode?: string;
  runtimePlatform?: { cpuArchitecture?: string; operatingSystemFamily?: string };
  containerDefinitions?: ContainerShape[];
}

export interface ContainerShape {
  name?: string;
  image?: string;
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  essential?: boolean;
  command?: string[];
  entryPoint?: string[];
  environment?: Array<{ name?: string; value?: string }>;
  secrets?: Array<{ name?: string; valueFrom?: string }>;
  healthCheck?: {
    command?: string[];
    interval?: number;
    timeout?: number;
    retries?: number;
    startPeriod?: number;
  };
  logConfiguration?: { logDriver?: string; options?: Record<string, string> };
}

/** One difference. `before`/`after` for a value that changed; `detail` for set changes (names added, ...). */
export interface Change {
  container?: string;
  field: string;
  before?: string;
  after?: string;
  detail?: string;
}

export const DEFAULT_MAX_CHANGES = 8;
const MAX_VALUE_CHARS = 80;
const MAX_NAMES = 5;
const NONE = "none";

/** Most telling first: a new image or command explains more failures than a new log group. */
const FIELD_ORDER = [
  "containers",
  "image",
  "entryPoint",
  "command",
  "environment",
  "secrets",
  "task memory",
  "task cpu",
  "memory",
  "memory reservation",
  "cpu",
  "essential",
  "health check",
  "log driver",
  "log group",
  "log stream prefix",
  "task role",
  "execution role",
  "network mode",
  "runtime platform",
];

function rank(change: Change): number {
  const index = FIELD_ORDER.indexOf(change.field);
  return index === -1 ? FIELD_ORDER.length : index;
}

function shorten(text: string): string {
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** `repo@sha256:<64 hex>` -> `repo@sha256:0123456789ab…`: enough to tell digests apart. */
export function displayImage(image: string | undefined): string | undefined {
  return image?.replace(/@sha256:([0-9a-f]{12})[0-9a-f]{52}$/, "@sha256:$1…");
}

function displayArgs(args: string[] | undefined): string | undefined {
  if (!args || args.length === 0) return undefined;
  const joined = args.map((arg) => (/\s|^$/.test(arg) ? JSON.stringify(arg) : arg)).join(" ");
  return shorten(maskSecrets(joined));
}

function displayHealthCheck(check: ContainerShape["healthCheck"]): string | undefined {
  if (!check) return undefined;
  const parts = [displayArgs(check.command) ?? "no command"];
  if (check.interval !== undefined) parts.push(`every ${check.interval}s`);
  if (check.timeout !== undefined) parts.push(`timeout ${check.timeout}s`);
  if (check.retries !== undefined) parts.push(`${check.retries} retries`);
  if (check.startPeriod !== undefined) parts.push(`start period ${check.startPeriod}s`);
  return parts.join(", ");
}

/** `arn:aws:iam::123:role/service/api-task` -> `service/api-task`. */
function displayRole(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const at = arn.indexOf(":role/");
  return at >= 0 ? arn.slice(at + ":role/".length) : arn;
}

function displayPlatform(platform: TaskDefinitionShape["runtimePlatform"]): string | undefined {
  if (!platform?.cpuArchitecture && !platform?.operatingSystemFamily) return undefined;
  return `${platform.operatingSystemFamily ?? "?"}/${platform.cpuArchitecture ?? "?"}`;
}

function str(value: number | boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

function valueChange(
  field: string,
  before: string | undefined,
  after: string | undefined,
  container?: string,
): Change[] {
  if (before === after) return [];
  return [{ ...(container ? { container } : {}), field, before: before ?? NONE, after: after ?? NONE }];
}

function nameList(names: string[]): string {
  const shown = names.slice(0, MAX_NAMES).join(", ");
  return names.length > MAX_NAMES ? `${shown} +${names.length - MAX_NAMES} more` : shown;
}

/** Compares name -> value maps; says which names were added, removed or changed, never the values. */
function namedSetChange(
  field: string,
  container: string,
  before: Map<string, string>,
  after: Map<string, string>,
  changedNote: (count: number) => string,
): Change[] {
  const added = [...after.keys()].filter((name) => !before.has(name)).sort();
  const removed = [...before.keys()].filter((name) => !after.has(name)).sort();
  const changed = [...after.keys()]
    .filter((name) => before.has(name) && before.get(name) !== after.get(name))
    .sort();
  const parts: string[] = [];
  if (added.length > 0) parts.push(`added ${nameList(added)}`);
  if (removed.length > 0) parts.push(`removed ${nameList(removed)}`);
  if (changed.length > 0) parts.push(`changed ${nameList(changed)} ${changedNote(changed.length)}`);
  return parts.length > 0 ? [{ container, field, detail: parts.join(", ") }] : [];
}

function byName<T extends { name?: string }>(
  items: T[] | undefined,
  value: (item: T) => string,
): Map<string, string> {
  const map = new Map<string, string>();
  for (const item of items ?? []) if (item.name) map.set(item.name, value(item));
  return map;
}

function diffContainer(name: string, before: ContainerShape, after: ContainerShape): Change[] {
  const beforeLog = before.logConfiguration;
  const afterLog = after.logConfiguration;
  return [
    ...valueChange("image", displayImage(before.image), displayImage(after.image), name),
    ...valueChange("entryPoint", displayArgs(before.entryPoint), displayArgs(after.entryPoint), name),
    ...valueChange("command", displayArgs(before.command), displayArgs(after.command), name),
    ...namedSetChange(
      "environment",
      name,
      byName(before.environment, (e) => e.value ?? ""),
      byName(after.environment, (e) => e.value ?? ""),
      (n) => (n === 1 ? "(value hidden)" : "(values hidden)"),
    ),
    ...namedSetChange(
      "secrets",
      name,
      byName(before.secrets, (s) => s.valueFrom ?? ""),
      byName(after.secrets, (s) => s.valueFrom ?? ""),
      () => "(source changed)",
    ),
    ...valueChange("memory", str(before.memory), str(after.memory), name),
    ...valueChange("memory reservation", str(before.memoryReservation), str(after.memoryReservation), name),
    ...valueChange("cpu", str(before.cpu), str(after.cpu), name),
    // An absent `essential` means true.
    ...valueChange("essential", String(before.essential ?? true), String(after.essential ?? true), name),
    ...valueChange(
      "health check",
      displayHealthCheck(before.healthCheck),
      displayHealthCheck(after.healthCheck),
      name,
    ),
    ...valueChange("log driver", beforeLog?.logDriver, afterLog?.logDriver, name),
    ...valueChange(
      "log group",
      beforeLog?.options?.["awslogs-group"],
      afterLog?.options?.["awslogs-group"],
      name,
    ),
    ...valueChange(
      "log stream prefix",
      beforeLog?.options?.["awslogs-stream-prefix"],
      afterLog?.options?.["awslogs-stream-prefix"],
      name,
    ),
  ];
}

function containersByName(definition: TaskDefinitionShape): Map<string, ContainerShape> {
  const map = new Map<string, ContainerShape>();
  for (const container of definition.containerDefinitions ?? [])
    if (container.name) map.set(container.name, container);
  return map;
}

/** The differences from `before` (e.g. the last good revision) to `after` (the failing one), most telling first. */
export function diffTaskDefinitions(before: TaskDefinitionShape, after: TaskDefinitionShape): Change[] {
  const beforeContainers = containersByName(before);
  const afterContainers = containersByName(after);
  const added = [...afterContainers.keys()].filter((name) => !beforeContainers.has(name));
  const removed = [...beforeContainers.keys()].filter((name) => !afterContainers.has(name));
  const membership: string[] = [];
  if (added.length > 0) membership.push(`added ${nameList(added)}`);
  if (removed.length > 0) membership.push(`removed ${nameList(removed)}`);

  const changes: Change[] = [
    ...(membership.length > 0 ? [{ field: "containers", detail: membership.join(", ") }] : []),
    ...[...afterContainers].flatMap(([name, container]) => {
      const previous = beforeContainers.get(name);
      return previous ? diffContainer(name, previous, container) : [];
    }),
    ...valueChange("task memory", before.memory, after.memory),
    ...valueChange("task cpu", before.cpu, after.cpu),
    ...valueChange("task role", displayRole(before.taskRoleArn), displayRole(after.taskRoleArn)),
    ...valueChange(
      "execution role",
      displayRole(before.executionRoleArn),
      displayRole(after.executionRoleArn),
    ),
    ...valueChange("network mode", before.networkMode, after.networkMode),
    ...valueChange(
      "runtime platform",
      displayPlatform(before.runtimePlatform),
      displayPlatform(after.runtimePlatform),
    ),
  ];
  // Array.prototype.sort is stable: containers keep their task definition order within a field.
  return changes.sort((a, b) => rank(a) - rank(b));
}

/** `web image: repo/api:1.4.2 -> repo/api:1.5.0`, `task memory: 512 -> 1024`, `web environment: added X`. */
export function formatChange(change: Change): string {
  const subject = change.container ? `${change.container} ${change.field}` : change.field;
  if (change.detail !== undefined) return `${subject}: ${change.detail}`;
  return `${subject}: ${change.before ?? NONE} -> ${change.after ?? NONE}`;
}

/** The first `max` changes as lines, then "and N more" when some were left out. */
export function describeChanges(changes: readonly Change[], max = DEFAULT_MAX_CHANGES): string[] {
  const lines = changes.slice(0, max).map(formatChange);
  const more = changes.length - lines.length;
  if (more > 0) lines.push(`and ${more} more`);
  return lines;
}

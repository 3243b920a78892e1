import * as z from "zod/mini";
import { EventParseError } from "./errors.js";
import {
  type ContainerInstanceHealthDetail,
  type ContainerInstanceStateDetail,
  containerInstanceHealthDetailSchema,
  containerInstanceStateDetailSchema,
  DETAIL_TYPES,
  type DeploymentDetail,
  deploymentDetailSchema,
  type EcsTask,
  type Envelope,
  envelopeSchema,
  type HookStateDetail,
  hookStateDetailSchema,
  type ServiceActionDetail,
  serviceActionDetailSchema,
  taskSchema,
} from "./schemas.js";

export interface TaskStateChangeEvent extends Envelope {
  "detail-type": typeof DETAIL_TYPES.task;
  detail: EcsTask;
}
export interface DeploymentStateChangeEvent extends Envelope {
  "detail-type": typeof DETAIL_TYPES.deployment;
  detail: DeploymentDetail;
}
export interface ServiceActionEvent extends Envelope {
  "detail-type": typeof DETAIL_TYPES.serviceAction;
  detail: ServiceActionDetail;
}
export interface HookStateChangeEvent extends Envelope {
  "detail-type": typeof DETAIL_TYPES.hookState;
  detail: HookStateDetail;
}
export interface ContainerInstanceStateChangeEvent extends Envelope {
  "detail-type": typeof DETAIL_TYPES.containerInstanceState;
  detail: ContainerInstanceStateDetail;
}
export interface ContainerInstanceHealthChangeEvent extends Envelope {
  "detail-type": typeof DETAIL_TYPES.containerInstanceHealth;
  detail: ContainerInstanceHealthDetail;
}
export type ContainerInstanceEvent = ContainerInstanceStateChangeEvent | ContainerInstanceHealthChangeEvent;
export type EcsEvent =
  | TaskStateChangeEvent
  | DeploymentStateChangeEvent
  | ServiceActionEvent
  | HookStateChangeEvent
  | ContainerInstanceStateChangeEvent
  | ContainerInstanceHealthChangeEvent;

function formatPath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  for (const key of path) {
    out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Validates `value` against `schema`, or throws an EventParseError naming the first failing path. */
export function parseWith<T extends z.ZodMiniType>(schema: T, value: unknown, prefix = ""): z.infer<T> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = formatPath(prefix, issue?.path ?? []);
  throw new EventParseError(path || prefix || "(root)", issue?.message ?? "invalid value");
}

export function parseTask(value: unknown, prefix = ""): EcsTask {
  return parseWith(taskSchema, value, prefix);
}

/** Parses an EventBridge event from ECS whose detail-type we handle. */
export function parseEcsEvent(value: unknown): EcsEvent {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new EventParseError("(root)", "expected an EventBridge event object");
  }
  const envelope = parseWith(envelopeSchema, value);
  switch (envelope["detail-type"]) {
    case DETAIL_TYPES.task:
      return { ...envelope, "detail-type": DETAIL_TYPES.task, detail: parseTask(envelope.detail, "detail") };
    case DETAIL_TYPES.deployment:
      return {
        ...envelope,
        "detail-type": DETAIL_TYPES.deployment,
        detail: parseWith(deploymentDetailSchema, envelope.detail, "detail"),
      };
    case DETAIL_TYPES.serviceAction:
      return {
        ...envelope,
        "detail-type": DETAIL_TYPES.serviceAction,
        detail: parseWith(serviceActionDetailSchema, envelope.detail, "detail"),
      };
    case DETAIL_TYPES.hookState:
      return {
        ...envelope,
        "detail-type": DETAIL_TYPES.hookState,
        detail: parseWith(hookStateDetailSchema, envelope.detail, "detail"),
      };
    case DETAIL_TYPES.containerInstanceState:
      return {
        ...envelope,
        "detail-type": DETAIL_TYPES.containerInstanceState,
        detail: parseWith(containerInstanceStateDetailSchema, envelope.detail, "detail"),
      };
    case DETAIL_TYPES.containerInstanceHealth:
      return {
        ...envelope,
        "detail-type": DETAIL_TYPES.containerInstanceHealth,
        detail: parseWith(containerInstanceHealthDetailSchema, envelope.detail, "detail"),
      };
    default:
      throw new EventParseError("detail-type", `unsupported detail-type "${envelope["detail-type"]}"`);
  }
}

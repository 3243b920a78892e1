/**
 * Routes a raw EventBridge event to its use case by detail-type: the one code path shared by the Lambda
 * handlers and `ecs-sentinel replay`. An event that does not parse is logged with the reason and dropped
 * (retrying cannot fix it); failures of the use cases propagate so Lambda retries them.
 */
import { EventParseError } from "../events/errors.js";
import { type EcsEvent, parseEcsEvent } from "../events/parse.js";
import { DETAIL_TYPES } from "../events/schemas.js";
import { handleTaskStateChange, type TaskFlowDeps, type TaskFlowResult } from "./task-stopped.js";

/** The detail-types a handler accepts, for `dispatchEvent`'s `accept` (handlers import no event module). */
export { DETAIL_TYPES };

export type FlowDeps = TaskFlowDeps & {
  /** Deployment and service-action events; absent where a handler does not subscribe to them. */
  deploymentEvent?: (event: EcsEvent) => Promise<DispatchResult>;
  /**
   * An Organization hub: the dependencies for the event's account and region (clients over the member role, keys
   * kept apart), or why the account is not acted on (the event is dropped with that reason).
   */
  forScope?: (scope: { account?: string; region?: string }) => FlowDeps | string;
  /**
   * Awaited for every event that passed the account check (the hub's own too): records that the account and region
   * send events. Must not throw: the event is acted on regardless.
   */
  sawScope?: (scope: { account?: string; region?: string }) => Promise<void>;
};

/** Why an event was dropped, in a word (the `EventsDropped` metric's `reason`). */
export type DropCause = "unparseable" | "other-function" | "account-not-allowed" | "no-handler";

export type DispatchResult =
  | TaskFlowResult
  | { status: "dropped"; reason: string; cause?: DropCause }
  | { status: "handled"; detailType: string; summary: string; outcomes?: unknown };

/** A short, safe description of an input for logs: never the whole event. */
function describe(raw: unknown): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null) return { type: typeof raw };
  const r = raw as Record<string, unknown>;
  const detail = (r.detail ?? {}) as Record<string, unknown>;
  return { id: r.id, detailType: r["detail-type"], taskArn: detail.taskArn };
}

export async function dispatchEvent(
  raw: unknown,
  deps: FlowDeps,
  only?: ReadonlyArray<string>,
): Promise<DispatchResult> {
  let event: EcsEvent;
  try {
    event = parseEcsEvent(raw);
  } catch (error) {
    if (!(error instanceof EventParseError)) throw error;
    deps.log.warn("dropping event that does not parse", { ...describe(raw), problem: error.message });
    return { status: "dropped", reason: error.message, cause: "unparseable" };
  }
  if (only && !only.includes(event["detail-type"])) {
    const reason = `detail-type "${event["detail-type"]}" is not handled by this function`;
    deps.log.warn("dropping event", { ...describe(raw), problem: reason });
    return { status: "dropped", reason, cause: "other-function" };
  }
  const scoped = deps.forScope ? deps.forScope({ account: event.account, region: event.region }) : deps;
  if (typeof scoped === "string") {
    deps.log.warn("dropping event from an account this deployment does not act for", {
      ...describe(raw),
      account: event.account,
      region: event.region,
      problem: scoped,
    });
    return { status: "dropped", reason: scoped, cause: "account-not-allowed" };
  }
  await deps.sawScope?.({ account: event.account, region: event.region });
  if (event["detail-type"] === DETAIL_TYPES.task) return handleTaskStateChange(event, scoped);
  if (scoped.deploymentEvent) return scoped.deploymentEvent(event);
  const reason = `no handler for "${event["detail-type"]}" here`;
  deps.log.warn("dropping event", { ...describe(raw), problem: reason });
  return { status: "dropped", reason, cause: "no-handler" };
}

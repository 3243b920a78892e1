/**
 * The use case behind the deployment-events Lambda: `ECS Deployment State Change` and `ECS Service Action`
 * become messages; a new deployment is reviewed; a failed one goes to the rollback runner; `ECS Hook State
 * Change` (pause hooks) asks people to decide (flows/paused-deployment.ts).
 *
 * These events carry no `detail.version` and, for deployments, no cluster ARN: the service (and its cluster)
 * come from `resources[0]`, the dedupe key is the event id, and the flood-control key is cluster + service +
 * eventName, so a flapping SERVICE_TASK_START_IMPAIRED becomes one message and a digest. A rollback
 * deployment gets its own key: "rolling back" must not be swallowed by the "deployment started" just before.
 *
 * Order, and why: the review (best effort) runs first so the deployment message can name the revision; the
 * deployment message goes out before any rollback, so a rollback failure never hides the event itself.
 */

import { errorSummary, isTransientError } from "../aws-errors.js";
import { dedupeKey, deploymentMessage, serviceActionMessage } from "../deployments/messages.js";
import { deploymentReviewMessage, type ReviewInput } from "../deployments/review.js";
import type { ReviewLoader } from "../deployments/review-loader.js";
import { reviewFailedMessage, reviewSkippedMessage } from "../deployments/review-notices.js";
import { isRollbackReason } from "../deployments/rollback-reason.js";
import { type EventService, eventService } from "../deployments/service-ref.js";
import type { DeploymentStateChangeEvent, EcsEvent, ServiceActionEvent } from "../events/parse.js";
import { DETAIL_TYPES } from "../events/schemas.js";
import type { Log } from "../log.js";
import { serviceLogKeys } from "../log-keys.js";
import type { ChannelOutcome, Notifier, NotifyMeta } from "../notify/port.js";
import { deploymentProblemKey } from "../notify/problems/keys.js";
import { failureOf, isDeliveryFailure, reportCheckFailure } from "./decision-failure.js";
import { deploymentEventThread, reviewThread } from "./deployment-thread.js";
import type { DispatchResult } from "./dispatch.js";
import { type HostFlowDeps, handleHostEvent } from "./host-events.js";
import { handleHookStateChange, type PausePorts } from "./paused-deployment.js";
import type { RollbackRun, RollbackRunner } from "./rollback-runner.js";

export interface DeploymentFlowDeps {
  notify: Notifier;
  log: Log;
  /** Loads the service and the task definition for the review; absent -> no review. */
  loadReview?: ReviewLoader;
  /** Acts on SERVICE_DEPLOYMENT_FAILED; absent -> the failure is only reported. */
  rollback?: RollbackRunner;
  /** Reads a paused deployment and its new tasks for `ECS Hook State Change`; absent -> the event alone. */
  pausePorts?: PausePorts;
  /** Container instance events: the host's tasks and its remembered impairment; absent -> the event alone. */
  hostPorts?: Pick<HostFlowDeps, "listTasks" | "hostStatus">;
  /** Used when the event carries no time (never in EventBridge events). */
  clock?: () => Date;
  /** Keeps another account's or region's flood keys apart (an Organization hub); empty at home. */
  keyPrefix?: string;
}

export interface DeploymentOutcomes {
  message: ChannelOutcome[];
  review?: ChannelOutcome[];
  rollback?: RollbackRun;
}

/** What the review of a new deployment gave: its input, why it was skipped, or why it failed. */
type ReviewResult =
  | { status: "ready"; input: ReviewInput }
  | { status: "skipped"; reason: string }
  | { status: "failed"; error: string; transient: boolean };

export type DeploymentEventHandler = (event: EcsEvent) => Promise<DispatchResult>;

export function deploymentThrottleKey(service: EventService, eventName: string, rollback = false): string {
  return `${service.clusterName ?? "-"}#${service.name}#${eventName}${rollback ? "#rollback" : ""}`;
}

function eventTime(event: { time?: string }, clock: () => Date): Date {
  const at = event.time ? new Date(event.time) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : clock();
}

/**
 * PagerDuty's incident of a service's broken deployment: opened by the failure, resolved by the next deployment
 * that completes (ECS's or ecs-sentinel's rollback, or a fix) — only sent when it is open.
 */
function deploymentProblem(eventName: string, serviceArn: string | undefined): Pick<NotifyMeta, "problem"> {
  if (!serviceArn) return {};
  if (eventName === "SERVICE_DEPLOYMENT_FAILED")
    return { problem: { key: deploymentProblemKey(serviceArn) } };
  if (eventName === "SERVICE_DEPLOYMENT_COMPLETED")
    return { problem: { key: deploymentProblemKey(serviceArn), resolve: true } };
  return {};
}

/** The service reached a steady state again: its broken deployment's incident is over. */
function serviceActionProblem(
  event: ServiceActionEvent,
  serviceArn: string | undefined,
): Pick<NotifyMeta, "problem"> {
  if (!serviceArn || event.detail.eventName !== "SERVICE_STEADY_STATE") return {};
  return { problem: { key: deploymentProblemKey(serviceArn), resolve: true } };
}

export function deploymentFlow(deps: DeploymentFlowDeps): DeploymentEventHandler {
  const { log, notify } = deps;
  const clock = deps.clock ?? (() => new Date());

  async function serviceAction(event: ServiceActionEvent): Promise<DispatchResult> {
    const service = eventService(event.resources, event.detail.clusterArn);
    const message = serviceActionMessage(event);
    const outcomes = await notify(message, {
      dedupeKey: dedupeKey(event),
      throttleKey: `${deps.keyPrefix ?? ""}${deploymentThrottleKey(service, event.detail.eventName)}`,
      serviceArn: service.serviceArn,
      ...serviceActionProblem(event, service.serviceArn),
    });
    return {
      status: "handled",
      detailType: event["detail-type"],
      summary: `${event.detail.eventName} ${service.name} (${message.severity})`,
      outcomes: { message: outcomes } satisfies DeploymentOutcomes,
    };
  }

  /**
   * Best effort: a review that cannot load (access denied, throttling) never blocks or retries the event; it
   * is logged and people are told the review was skipped and why.
   */
  async function loadReview(
    event: DeploymentStateChangeEvent,
    service: EventService,
  ): Promise<ReviewResult | undefined> {
    if (!deps.loadReview || !service.serviceArn) return undefined;
    const deploymentId = event.detail.deploymentId;
    try {
      return await deps.loadReview(service.serviceArn, deploymentId);
    } catch (error) {
      const failure = { error: errorSummary(error), transient: isTransientError(error) };
      log.warn("deployment review skipped: could not load the service or its task definition", {
        ...serviceLogKeys(service.serviceArn),
        deploymentId,
        ...failure,
      });
      return { status: "failed", ...failure };
    }
  }

  function reviewNotice(event: DeploymentStateChangeEvent, review: ReviewResult | undefined) {
    if (!review) return undefined;
    if (review.status === "ready") return deploymentReviewMessage(review.input);
    if (review.status === "skipped") {
      log.info("deployment review skipped", {
        ...serviceLogKeys(eventService(event.resources).serviceArn),
        deploymentId: event.detail.deploymentId,
        reason: review.reason,
      });
      return reviewSkippedMessage(event, review.reason);
    }
    return reviewFailedMessage(event, review);
  }

  /**
   * Runs the rollback. A decision that cannot be made is notified once per event and logged; a transient
   * error then propagates (Lambda retries; the message dedupe makes that safe), any other is reported as the
   * outcome. A notification that fails to go out propagates as is.
   */
  async function rollback(
    event: DeploymentStateChangeEvent,
    service: EventService,
  ): Promise<RollbackRun | undefined> {
    const { deploymentId, reason } = event.detail;
    if (!deps.rollback) return undefined;
    const failure = {
      check: "rollback check" as const,
      trigger: "deployment-failed" as const,
      serviceArn: service.serviceArn,
      serviceName: service.name,
      deploymentId,
      account: event.account,
      region: event.region,
      time: event.time,
    };
    const cannotDecide = async (why: string): Promise<RollbackRun> => {
      const notified = await reportCheckFailure(deps, { ...failure, error: why, transient: false }, event.id);
      return { notified, failure: why, summary: `rollback check failed: ${why} — nothing was changed` };
    };
    if (!service.serviceArn) return cannotDecide("the event names no service ARN in its resources");
    if (!deploymentId) return cannotDecide("the event names no deploymentId");
    try {
      return await deps.rollback({
        trigger: { kind: "deployment-failed", deploymentId, reason: reason ?? "" },
        serviceArn: service.serviceArn,
        now: eventTime(event, clock),
        account: event.account,
        region: event.region,
        time: event.time,
      });
    } catch (error) {
      if (isDeliveryFailure(error)) throw error;
      const cause = failureOf(error);
      const report = reportCheckFailure(deps, { ...failure, ...cause }, event.id);
      if (cause.transient) {
        // Retried with the event, and so is its report: the original error decides.
        await report.catch((reportError: unknown) => {
          log.warn("could not report the rollback check failure; the retry reports it", {
            error: errorSummary(reportError),
          });
        });
        throw error;
      }
      const notified = await report;
      return {
        notified,
        failure: cause.error,
        summary: `rollback check failed: ${cause.error} — nothing was changed`,
      };
    }
  }

  async function deploymentEvent(event: DeploymentStateChangeEvent): Promise<DispatchResult> {
    const { detail } = event;
    const service = eventService(event.resources);
    const isRollback = isRollbackReason(detail.reason);
    const startsNewRevision = detail.eventName === "SERVICE_DEPLOYMENT_IN_PROGRESS" && !isRollback;

    const review = startsNewRevision ? await loadReview(event, service) : undefined;
    const reviewed = review?.status === "ready" ? review.input.taskDefinition.taskDefinitionArn : undefined;
    const message = deploymentMessage(event, { taskDefinition: reviewed });
    const reviewInput = review?.status === "ready" ? review.input : undefined;
    const outcomes: DeploymentOutcomes = {
      message: await notify(message, {
        dedupeKey: dedupeKey(event),
        throttleKey: `${deps.keyPrefix ?? ""}${deploymentThrottleKey(service, detail.eventName, isRollback)}`,
        serviceArn: service.serviceArn,
        thread: deploymentEventThread(event, service.serviceArn, reviewInput),
        ...deploymentProblem(detail.eventName, service.serviceArn),
      }),
    };
    const notes: string[] = [];

    // One review message per event: the findings, or why there was no review (never another revision's).
    const reviewMessage = reviewNotice(event, review);
    if (reviewMessage) {
      outcomes.review = await notify(
        { ...reviewMessage, account: reviewMessage.account ?? event.account, time: event.time },
        {
          dedupeKey: `review#${dedupeKey(event)}`,
          serviceArn: service.serviceArn,
          thread: reviewThread(event, service.serviceArn, reviewInput),
        },
      );
      notes.push(`review: ${reviewMessage.title}`);
    } else if (review) {
      notes.push("review: nothing flagged");
    }

    if (detail.eventName === "SERVICE_DEPLOYMENT_FAILED") {
      outcomes.rollback = await rollback(event, service);
      if (outcomes.rollback) notes.push(outcomes.rollback.summary);
    }

    return {
      status: "handled",
      detailType: event["detail-type"],
      summary: [`${detail.eventName} ${service.name} (${message.severity})`, ...notes].join("; "),
      outcomes,
    };
  }

  return async (event) => {
    if (event["detail-type"] === DETAIL_TYPES.deployment) return deploymentEvent(event);
    if (event["detail-type"] === DETAIL_TYPES.serviceAction) return serviceAction(event);
    if (event["detail-type"] === DETAIL_TYPES.hookState)
      return handleHookStateChange(event, {
        notify,
        log,
        ...(deps.pausePorts ? { ports: deps.pausePorts } : {}),
      });
    if (
      event["detail-type"] === DETAIL_TYPES.containerInstanceState ||
      event["detail-type"] === DETAIL_TYPES.containerInstanceHealth
    )
      return handleHostEvent(event, {
        notify,
        log,
        ...deps.hostPorts,
        ...(deps.keyPrefix ? { keyPrefix: deps.keyPrefix } : {}),
      });
    return { status: "dropped", reason: `"${event["detail-type"]}" is not a deployment or service event` };
  };
}

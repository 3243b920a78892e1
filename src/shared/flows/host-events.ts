/**
 * `ECS Container Instance State Change` and `ECS Container Instance Health Change` become host alerts
 * (hosts/message.ts): the host's tasks named (best effort), one incident per host in PagerDuty (opened when it is
 * IMPAIRED, resolved when it is OK again), flood-controlled per cluster + host + status so a flapping host is one
 * message and a digest. An impaired or disconnected host is remembered so the stops on it can say so.
 * Naming the tasks has its own deadline (like enrichment's ENRICH_BUDGET_MS): a slow ListTasks/DescribeTasks never
 * holds the alert back, which then says the task list was cut short.
 */
import { errorSummary } from "../aws-errors.js";
import { arnName } from "../events/arns.js";
import type { ContainerInstanceEvent } from "../events/parse.js";
import { type HostTasks, hostAlert, needsTaskList } from "../hosts/message.js";
import type { HostStatusStore, HostTasksLister } from "../hosts/ports.js";
import type { Log } from "../log.js";
import type { Notifier } from "../notify/port.js";
import type { DispatchResult } from "./dispatch.js";

/** Time allowed to name the host's tasks before the alert goes out without them. */
export const HOST_TASKS_BUDGET_MS = 3000;

export class HostTasksTimeoutError extends Error {
  override readonly name = "HostTasksTimeoutError";
}

/** Resolves after `ms`; a pending wait does not keep the process alive. */
function waitUnref(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });
}

export interface HostFlowDeps {
  notify: Notifier;
  log: Log;
  /** Lists the host's tasks; absent -> the message names none. */
  listTasks?: HostTasksLister;
  /** Remembers impaired hosts for the stops on them; absent -> no link. */
  hostStatus?: HostStatusStore;
  /** Keeps another account's or region's flood keys apart (an Organization hub); empty at home. */
  keyPrefix?: string;
  /** Deadline of the task listing (default HOST_TASKS_BUDGET_MS). */
  taskListBudgetMs?: number;
  /** Resolves after the given milliseconds: the deadline's clock (injected in tests). */
  wait?: (ms: number) => Promise<void>;
}

export function hostProblemKey(containerInstanceArn: string): string {
  return `host:${containerInstanceArn}`;
}

export function hostThrottleKey(event: ContainerInstanceEvent, status: string, keyPrefix = ""): string {
  const { detail } = event;
  return `${keyPrefix}${arnName(detail.clusterArn) ?? "-"}#host:${arnName(detail.containerInstanceArn) ?? detail.containerInstanceArn}#${status}`;
}

async function listHostTasks(
  deps: HostFlowDeps,
  event: ContainerInstanceEvent,
): Promise<HostTasks | undefined> {
  const { clusterArn, containerInstanceArn } = event.detail;
  const { listTasks } = deps;
  if (!listTasks || !clusterArn || !needsTaskList(event)) return undefined;
  const budgetMs = deps.taskListBudgetMs ?? HOST_TASKS_BUDGET_MS;
  const listing = Promise.resolve().then(() => listTasks(clusterArn, containerInstanceArn));
  // Abandoned when the deadline wins: its late failure must not surface as an unhandled rejection.
  listing.catch(() => {});
  const deadline = (deps.wait ?? waitUnref)(budgetMs).then(() => {
    throw new HostTasksTimeoutError(
      `the task list was cut short: ListTasks/DescribeTasks did not answer within ${budgetMs} ms`,
    );
  });
  deadline.catch(() => {});
  try {
    return { tasks: await Promise.race([listing, deadline]) };
  } catch (error) {
    if (error instanceof HostTasksTimeoutError) {
      deps.log.warn("the task list of a host was cut short", { budgetMs });
      return { error: error.message };
    }
    deps.log.warn("could not list the tasks of a host", { error: errorSummary(error) });
    return { error: errorSummary(error) };
  }
}

/** Never fails the alert: the link to stops is a bonus. */
async function rememberHost(
  deps: HostFlowDeps,
  run: (store: HostStatusStore) => Promise<void>,
): Promise<void> {
  if (!deps.hostStatus) return;
  await run(deps.hostStatus).catch((error: unknown) => {
    deps.log.warn("could not record the host's status", { error: errorSummary(error) });
  });
}

export async function handleHostEvent(
  event: ContainerInstanceEvent,
  deps: HostFlowDeps,
): Promise<DispatchResult> {
  const alert = hostAlert(event, await listHostTasks(deps, event));
  const instance = event.detail.containerInstanceArn;
  if (!alert) return { status: "dropped", reason: "nothing to report about the host" };
  if (alert.impairment) {
    const impairment = alert.impairment;
    await rememberHost(deps, (store) => store.remember(impairment));
  } else if (alert.recovered) {
    await rememberHost(deps, (store) => store.forget(instance));
  }
  const problem =
    alert.status === "IMPAIRED"
      ? { problem: { key: hostProblemKey(instance) } }
      : alert.status === "OK"
        ? { problem: { key: hostProblemKey(instance), resolve: true } }
        : {};
  const occurredAt = event.time ? Date.parse(event.time) : Number.NaN;
  const outcomes = await deps.notify(alert.message, {
    dedupeKey: `${event.id}#${alert.status}`,
    throttleKey: hostThrottleKey(event, alert.status, deps.keyPrefix),
    ...(Number.isFinite(occurredAt) ? { occurredAt } : {}),
    ...problem,
  });
  return {
    status: "handled",
    detailType: event["detail-type"],
    summary: `${alert.status} ${event.detail.ec2InstanceId ?? arnName(instance)} (${alert.message.severity})`,
    outcomes: { message: outcomes },
  };
}

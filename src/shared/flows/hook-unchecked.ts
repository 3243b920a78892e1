/**
 * A deployment the lifecycle hook let go on without checking it: ECS could not be read for good (access denied, a
 * revision ECS does not know) or not before ECS's 15-minute limit, and the hook answered SUCCEEDED by its fail-open
 * policy. Nobody watches a log line during a deployment, so people are told — once per revision and stage — and it
 * is counted. Pure message; the telling is best effort: the answer to ECS stands whatever happens here.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/lambda-lifecycle-hooks.html
 */
import { errorSummary } from "../aws-errors.js";
import { arnName, parseServiceArn } from "../events/arns.js";
import type { HookPayload } from "../hooks/payload.js";
import type { Log } from "../log.js";
import { serviceLogKeys } from "../log-keys.js";
import { METRIC, type Metrics } from "../metrics/port.js";
import type { Message } from "../notify/message.js";
import type { Notifier } from "../notify/port.js";

/** The `EventsDropped` reason of a hook call answered by the fail-open policy because ECS could not be read. */
export const HOOK_UNCHECKED_REASON = "hook-unchecked";

/** What the hook's role must be allowed, for the message's remediation (infra/stack-config.cjs grants them). */
const HOOK_READS =
  "ecs:DescribeServiceRevisions, ecs:DescribeServices, ecs:ListTasks, ecs:DescribeTasks and ecs:DescribeTaskDefinition";

export function hookUncheckedMessage(payload: HookPayload, problem: string, time: string): Message {
  const ref = parseServiceArn(payload.serviceArn);
  const service = ref?.service ?? payload.serviceArn;
  return {
    kind: "deployment",
    severity: "warning",
    category: "hook-unchecked",
    title: `${service}: deployment not checked by the lifecycle hook — it goes on`,
    cause: `ecs-sentinel's lifecycle hook could not read the new tasks at ${payload.lifecycleStage} (${problem}) and let the deployment continue (fail open).`,
    evidence: [],
    remediation: [
      "Watch this deployment's new tasks yourself: nothing stops it if they fail",
      `If access was denied, the hook's role needs ${HOOK_READS} on the watched clusters (redeploy the stack)`,
      'To stop deployments the hook cannot check instead, deploy with --param="hookFailClosed=true"',
    ],
    facts: [
      { label: "Stage", value: payload.lifecycleStage },
      {
        label: "Service revision",
        value: arnName(payload.targetServiceRevisionArn) ?? payload.targetServiceRevisionArn,
      },
    ],
    links: [
      {
        label: "Lambda hooks for ECS service deployments",
        url: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/lambda-lifecycle-hooks.html",
      },
    ],
    ...(ref?.cluster ? { cluster: ref.cluster } : {}),
    service,
    ...(ref?.account ? { account: ref.account } : {}),
    ...(ref?.region ? { region: ref.region } : {}),
    time,
  };
}

export interface UncheckedDeps {
  log: Log;
  notify?: Notifier;
  metrics?: Metrics;
  now: () => number;
}

/**
 * Counts the unchecked deployment and tells people (a post of its own: without the service's deployment, the
 * hook cannot name its thread). `send` bounds the notification by the invocation's deadline.
 */
export async function tellUnchecked(
  payload: HookPayload,
  problem: string,
  deps: UncheckedDeps,
  send: (notify: () => Promise<unknown>) => Promise<unknown>,
): Promise<void> {
  deps.metrics?.count(METRIC.eventsDropped, { reason: HOOK_UNCHECKED_REASON });
  const notify = deps.notify;
  if (!notify) return;
  const at = deps.now();
  const keys = serviceLogKeys(payload.serviceArn);
  try {
    await send(() =>
      notify(hookUncheckedMessage(payload, problem, new Date(at).toISOString()), {
        dedupeKey: `hook-unchecked#${payload.targetServiceRevisionArn}#${payload.lifecycleStage}`,
        throttleKey: `${keys.cluster ?? "-"}#${keys.ecsService ?? "-"}#hook-unchecked`,
        serviceArn: payload.serviceArn,
        occurredAt: at,
      }),
    );
  } catch (error) {
    deps.log.error("deployment hook: could not tell that the deployment went on unchecked", {
      ...keys,
      error: errorSummary(error),
    });
  }
}

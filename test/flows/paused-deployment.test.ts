/**
 * `ECS Hook State Change` through the deployment flow: the documented HOOK_AWAITING_ACTION event, ECS read through
 * in-memory ports shaped like DescribeServiceDeployments / DescribeServiceRevisions / DescribeServices / tasks.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { EcsTask } from "../../src/shared/events/schemas.js";
import { deploymentFlow } from "../../src/shared/flows/deployment.js";
import { dispatchEvent } from "../../src/shared/flows/dispatch.js";
import type { PausePorts } from "../../src/shared/flows/paused-deployment.js";
import { silentLog } from "../../src/shared/log.js";
import type { Message } from "../../src/shared/notify/message.js";
import type { NotifyMeta } from "../../src/shared/notify/port.js";

const EVENT = JSON.parse(
  readFileSync(
    new URL("../fixtures/ecs-events/hook-state-change-awaiting-action.doc.json", import.meta.url),
    "utf8",
  ),
) as { detail: Record<string, unknown> } & Record<string, unknown>;
const SERVICE_ARN = "arn:aws:ecs:us-west-2:123456789012:service/my-cluster/my-service";
const DEPLOYMENT_ARN = EVENT.detail.serviceDeploymentArn as string;
const HOOK_ID = EVENT.detail.hookId as string;
const REVISION =
  "arn:aws:ecs:us-west-2:123456789012:service-revision/my-cluster/my-service/4980306466373578954";
const NEW_TD = "arn:aws:ecs:us-west-2:123456789012:task-definition/my-app:42";

function task(id: string, overrides: Partial<EcsTask> = {}): EcsTask {
  return {
    taskArn: `arn:aws:ecs:us-west-2:123456789012:task/my-cluster/${id}`,
    clusterArn: "arn:aws:ecs:us-west-2:123456789012:cluster/my-cluster",
    taskDefinitionArn: NEW_TD,
    startedBy: "ecs-svc/2",
    group: "service:my-service",
    lastStatus: "RUNNING",
    desiredStatus: "RUNNING",
    healthStatus: "HEALTHY",
    containers: [{ name: "web", lastStatus: "RUNNING" }],
    ...overrides,
  } as EcsTask;
}

function ports(
  overrides: { tags?: Record<string, string>; tasks?: EcsTask[]; fail?: Error } = {},
): PausePorts {
  return {
    loadServiceDeployment: async (arn) => {
      if (overrides.fail) throw overrides.fail;
      return {
        serviceDeploymentArn: arn,
        targetServiceRevisionArn: REVISION,
        status: "IN_PROGRESS",
        lifecycleHookDetails: [
          {
            hookId: HOOK_ID,
            status: "AWAITING_ACTION",
            expiresAt: "2026-03-05T16:04:41.000Z",
            timeoutAction: "CONTINUE",
          },
        ],
      };
    },
    loadRevision: async (arn) => ({
      serviceRevisionArn: arn,
      serviceArn: SERVICE_ARN,
      taskDefinition: NEW_TD,
    }),
    loadService: async () => ({
      tags: overrides.tags ?? { "ecs-sentinel:auto-rollback": "manual" },
      deployments: [
        { id: "ecs-svc/2", taskDefinition: NEW_TD, status: "PRIMARY", desiredCount: 3 },
        {
          id: "ecs-svc/1",
          taskDefinition: "arn:aws:ecs:us-west-2:123456789012:task-definition/my-app:41",
          status: "ACTIVE",
        },
      ],
    }),
    loadServiceTasks: async () => overrides.tasks ?? [task("a"), task("b", { healthStatus: "UNKNOWN" })],
    hasHealthCheck: async () => true,
  };
}

function run(event: unknown, pausePorts?: PausePorts) {
  const sent: Array<{ message: Message; meta: NotifyMeta }> = [];
  const flow = deploymentFlow({
    notify: async (message, meta) => {
      sent.push({ message, meta });
      return [{ channel: "slack", status: "sent" }];
    },
    log: silentLog,
    ...(pausePorts ? { pausePorts } : {}),
  });
  return dispatchEvent(event, { deploymentEvent: flow, log: silentLog } as never).then((result) => ({
    result,
    sent,
  }));
}

describe("a pause hook awaiting action", () => {
  it("asks for a decision in the deployment's thread, with buttons for an opted-in service", async () => {
    const { result, sent } = await run(EVENT, ports());

    expect(result).toMatchObject({ status: "handled", detailType: "ECS Hook State Change" });
    expect(sent).toHaveLength(1);
    const [{ message, meta }] = sent as [{ message: Message; meta: NotifyMeta }];
    expect(meta.dedupeKey).toBe(`hook#${HOOK_ID}#HOOK_AWAITING_ACTION`);
    expect(meta.serviceArn).toBe(SERVICE_ARN);
    expect(meta.thread).toMatchObject({ key: `deployment#${SERVICE_ARN}#ecs-svc/2` });
    expect(meta.thread?.joinOnly).toBeUndefined();
    expect(meta.thread?.patch?.actions?.map((a) => a.kind)).toEqual(["continue-paused", "rollback-paused"]);
    expect(message.facts).toContainEqual({ label: "New tasks", value: "2 running · 1 healthy (of 3)" });
    expect(message.facts).toContainEqual({
      label: "Times out",
      value: "2026-03-05 16:04:41 UTC, then ECS will continue",
    });
  });

  it("diagnoses the new revision's stopped tasks, not the old revision's", async () => {
    const pulled = task("c", {
      lastStatus: "STOPPED",
      desiredStatus: "STOPPED",
      stopCode: "TaskFailedToStart",
      stoppedAt: "2026-03-05T15:50:00Z",
      stoppedReason: "CannotPullContainerError: pull image manifest has been retried 5 time(s): not found",
    });
    const oldRevision = task("d", {
      taskDefinitionArn: "arn:aws:ecs:us-west-2:123456789012:task-definition/my-app:41",
      startedBy: "ecs-svc/1",
      lastStatus: "STOPPED",
      desiredStatus: "STOPPED",
      stoppedReason: "Scaling activity initiated by deployment ecs-svc/2",
    });

    const { sent } = await run(EVENT, ports({ tasks: [task("a"), pulled, oldRevision] }));

    const message = sent[0]?.message;
    expect(message?.severity).toBe("critical");
    expect(message?.evidence).toHaveLength(1);
    expect(message?.evidence[0]).toMatch(/^Task c: .*CannotPullContainerError/);
  });

  it("offers no buttons for a service that is not opted in, and names the AWS CLI command", async () => {
    const { sent } = await run(EVENT, ports({ tags: {} }));

    expect(sent[0]?.meta.thread?.patch?.actions).toEqual([]);
    expect(sent[0]?.message.remediation.join("\n")).toContain("aws ecs continue-service-deployment");
  });

  it("still asks, without buttons, when ECS refuses to describe the deployment", async () => {
    const denied = Object.assign(new Error("not authorized"), { name: "AccessDeniedException" });

    const { sent } = await run(EVENT, ports({ fail: denied }));

    expect(sent).toHaveLength(1);
    expect(sent[0]?.message.cause).toContain("could not be read: AccessDeniedException");
    expect(sent[0]?.meta.thread).toMatchObject({
      key: `deployment-latest#${SERVICE_ARN}`,
      joinOnly: true,
      fallback: { key: `pause#${DEPLOYMENT_ARN}` },
    });
    expect(sent[0]?.meta.thread?.patch?.actions).toEqual([]);
  });

  it("throws a throttled read so Lambda retries the event, rather than asking without the facts", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });

    await expect(run(EVENT, ports({ fail: throttled }))).rejects.toThrow("Rate exceeded");
  });

  it("asks with what the event says when no ECS reader is wired (a dry run)", async () => {
    const { sent } = await run(EVENT);

    expect(sent[0]?.message.title).toBe(
      "my-service: deployment paused at POST_TEST_TRAFFIC_SHIFT — waiting for a decision",
    );
    expect(sent[0]?.meta.thread?.patch?.actions).toEqual([]);
  });
});

describe("a later hook event", () => {
  it("edits the deployment's card and takes the buttons away", async () => {
    const event = { ...EVENT, id: "later", detail: { ...EVENT.detail, eventName: "HOOK_TIMED_OUT" } };

    const { sent } = await run(event, ports());

    expect(sent[0]?.meta.thread).toMatchObject({
      key: `deployment#${SERVICE_ARN}#ecs-svc/2`,
      joinOnly: true,
      patch: { actions: [], state: { text: "Pause timed out: ECS took the timeout action" } },
    });
    expect(sent[0]?.meta.dedupeKey).toBe(`hook#${HOOK_ID}#HOOK_TIMED_OUT`);
  });

  it("drops a hook event that names no service deployment, with the reason", async () => {
    const event = {
      ...EVENT,
      resources: [],
      detail: { eventName: "HOOK_AWAITING_ACTION", hookId: HOOK_ID },
    };

    const { result, sent } = await run(event, ports());

    expect(result).toEqual({ status: "dropped", reason: "the hook event names no service deployment" });
    expect(sent).toHaveLength(0);
  });
});

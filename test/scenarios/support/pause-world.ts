/**
 * The ECS world of test/scenarios/support/ecs-world.ts with pause hooks: the new deployment (ecs-svc/2,
 * NEW_DEPLOYMENT_ARN) can wait at pause hooks (DescribeServiceDeployments `lifecycleHookDetails`, shaped like the
 * API reference's DeploymentLifecycleHookDetail), its tasks are listed and described, and
 * ContinueServiceDeployment behaves as the API reference and the pause-hook guide describe: only a hook that is
 * AWAITING_ACTION with that id may be continued or rolled back (otherwise InvalidParameterException), CONTINUE moves
 * the deployment on, ROLLBACK rolls it back. moto has none of these APIs.
 */
import {
  ContinueServiceDeploymentCommand,
  type DeploymentLifecycleHookDetail,
  DescribeServiceDeploymentsCommand,
  DescribeTasksCommand,
  type ECSClient,
  InvalidParameterException,
  ListTasksCommand,
  type Task,
} from "@aws-sdk/client-ecs";
import type { AwsStub } from "aws-sdk-client-mock";
import { describeDeployments, describedDeployment } from "../../rollback/ecs-responses.js";
import { CLUSTER_ARN, type EcsWorld, NEW_DEPLOYMENT_ARN, NEW_ID, NEW_REVISION, NEW_TD } from "./ecs-world.js";

// biome-ignore lint/suspicious/noExplicitAny: aws-sdk-client-mock's stub type is generic over the client's commands.
type EcsStub = AwsStub<any, any, ECSClient["config"]>;

export interface PauseHook {
  hookId: string;
  stage: string;
  status: NonNullable<DeploymentLifecycleHookDetail["status"]>;
  expiresAt: Date;
  timeoutAction: "CONTINUE" | "ROLLBACK";
}

export interface PauseWorld {
  hooks: PauseHook[];
  tasks: Task[];
  /** A new pause of the deployment: the hook awaits action until `expiresAt`. */
  pause(hookId: string, stage: string, expiresAt: Date, timeoutAction?: "CONTINUE" | "ROLLBACK"): PauseHook;
  /** The ContinueServiceDeployment calls ECS accepted, in order. */
  continued(): { serviceDeploymentArn: string; hookId: string; action: string }[];
}

/** A task of the new revision (DescribeTasks shape; Fargate, one essential container `web`). */
export function newRevisionTask(id: string, overrides: Partial<Task> = {}): Task {
  return {
    taskArn: `arn:aws:ecs:us-west-2:123456789012:task/example/${id}`,
    clusterArn: CLUSTER_ARN,
    taskDefinitionArn: NEW_TD,
    startedBy: NEW_ID,
    group: "service:sd-example",
    launchType: "FARGATE",
    lastStatus: "RUNNING",
    desiredStatus: "RUNNING",
    healthStatus: "HEALTHY",
    createdAt: new Date("2024-09-10T16:49:30Z"),
    startedAt: new Date("2024-09-10T16:50:00Z"),
    containers: [{ name: "web", lastStatus: "RUNNING", healthStatus: "HEALTHY" }],
    ...overrides,
  };
}

export function pauseWorld(mock: EcsStub, world: EcsWorld): PauseWorld {
  const hooks: PauseHook[] = [];
  const tasks: Task[] = [newRevisionTask("green1"), newRevisionTask("green2")];
  const accepted: { serviceDeploymentArn: string; hookId: string; action: string }[] = [];

  mock.on(DescribeServiceDeploymentsCommand).callsFake(() =>
    describeDeployments([
      describedDeployment({
        serviceDeploymentArn: NEW_DEPLOYMENT_ARN,
        status: world.state.rolledBack ? "ROLLBACK_IN_PROGRESS" : "IN_PROGRESS",
        startedAt: new Date("2024-09-10T16:49:00Z"),
        targetServiceRevision: {
          arn: NEW_REVISION,
          pendingTaskCount: 0,
          requestedTaskCount: 2,
          runningTaskCount: tasks.filter((t) => t.lastStatus === "RUNNING").length,
        },
        lifecycleHookDetails: hooks.map((hook) => ({
          hookId: hook.hookId,
          targetType: "PAUSE",
          status: hook.status,
          expiresAt: hook.expiresAt,
          timeoutAction: hook.timeoutAction,
        })),
      }),
    ]),
  );
  mock.on(ListTasksCommand).callsFake((input: { desiredStatus?: string }) => ({
    taskArns: tasks
      .filter((t) => (input.desiredStatus ?? "RUNNING") === t.desiredStatus)
      .map((t) => t.taskArn as string),
  }));
  mock.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
    tasks: tasks.filter((t) => input.tasks.includes(t.taskArn as string)),
    failures: [],
  }));
  mock
    .on(ContinueServiceDeploymentCommand)
    .callsFake((input: { serviceDeploymentArn: string; hookId: string; action?: string }) => {
      const hook = hooks.find((h) => h.hookId === input.hookId);
      if (input.serviceDeploymentArn !== NEW_DEPLOYMENT_ARN || hook?.status !== "AWAITING_ACTION")
        throw new InvalidParameterException({
          message: `No lifecycle hook ${input.hookId} is awaiting action for the service deployment.`,
          $metadata: { httpStatusCode: 400 },
        });
      const action = input.action ?? "CONTINUE";
      hook.status = "SUCCEEDED";
      if (action === "ROLLBACK") world.state.rolledBack = true;
      accepted.push({ serviceDeploymentArn: input.serviceDeploymentArn, hookId: input.hookId, action });
      return { serviceDeploymentArn: input.serviceDeploymentArn };
    });

  return {
    hooks,
    tasks,
    pause(hookId, stage, expiresAt, timeoutAction = "ROLLBACK") {
      const hook: PauseHook = { hookId, stage, status: "AWAITING_ACTION", expiresAt, timeoutAction };
      hooks.push(hook);
      return hook;
    },
    continued: () => [...accepted],
  };
}

/**
 * `ECS Hook State Change` as ECS emits it (the documented HOOK_AWAITING_ACTION example, test/fixtures/ecs-events/
 * hook-state-change-awaiting-action.doc.json), for this world's deployment: cluster, service, deployment, hook id,
 * stage and times changed.
 */
export function hookStateEvent(
  eventName: string,
  hook: Pick<PauseHook, "hookId" | "stage" | "expiresAt">,
  time: Date,
  id = `hook-${hook.hookId}-${eventName}`,
) {
  return {
    version: "0",
    id,
    "detail-type": "ECS Hook State Change",
    source: "aws.ecs",
    account: "123456789012",
    time: time.toISOString(),
    region: "us-west-2",
    resources: [NEW_DEPLOYMENT_ARN],
    detail: {
      eventType: "INFO",
      eventName,
      hookId: hook.hookId,
      hookType: "PAUSE",
      expiresAt: hook.expiresAt.toISOString(),
      lifecycleStage: hook.stage,
      clusterArn: CLUSTER_ARN,
      serviceArn: "arn:aws:ecs:us-west-2:123456789012:service/example/sd-example",
      serviceDeploymentArn: NEW_DEPLOYMENT_ARN,
      updatedAt: time.toISOString(),
    },
  };
}

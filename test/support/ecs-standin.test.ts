/** The ECS stand-in, through the real SDK client: the API reference's shapes, rules and errors. */
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type EcsStandin, startEcsStandin } from "./ecs-standin.js";
import {
  BLUE_REVISION,
  blueGreenWorld,
  CLUSTER_ARN,
  DEPLOYMENT_ARN,
  greenRunning,
  greenStopped,
  LAMBDA_HOOK_ID,
  PAUSE_HOOK_ID,
  pauseAwaitingAction,
  REVISION_ARN,
  SERVICE_ARN,
  TASK_DEFINITION,
} from "./ecs-standin-world.js";

let standin: EcsStandin;
let ecs: ECSClient;

beforeEach(async () => {
  standin = await startEcsStandin(blueGreenWorld());
  ecs = new ECSClient({
    endpoint: standin.endpoint,
    region: "us-west-2",
    credentials: { accessKeyId: "AKIASTANDIN", secretAccessKey: "standin" },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  ecs.destroy();
  await standin.close();
});

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Error & { $metadata?: { httpStatusCode?: number } }) => ({
      name: error.name,
      status: error.$metadata?.httpStatusCode,
    }),
  );

describe("ECS stand-in: DescribeServices", () => {
  it("returns tags only with include TAGS, deployments with Date timestamps, and MISSING for an unknown service", async () => {
    const withTags = await ecs.send(
      new DescribeServicesCommand({
        cluster: "example",
        services: ["sd-example", "nope"],
        include: ["TAGS"],
      }),
    );
    const withoutTags = await ecs.send(
      new DescribeServicesCommand({ cluster: CLUSTER_ARN, services: [SERVICE_ARN] }),
    );

    expect(withTags.services?.[0]?.tags).toEqual([{ key: "ecs-sentinel:auto-rollback", value: "true" }]);
    expect(withTags.services?.[0]?.deployments?.[0]?.createdAt).toBeInstanceOf(Date);
    expect(withTags.failures).toEqual([
      { arn: "arn:aws:ecs:us-west-2:123456789012:service/example/nope", reason: "MISSING" },
    ]);
    expect(withoutTags.services?.[0]?.serviceArn).toBe(SERVICE_ARN);
    expect(withoutTags.services?.[0]?.tags).toBeUndefined();
  });

  it("answers InvalidParameterException without services and ClusterNotFoundException for an unknown cluster", async () => {
    const noServices = await errorOf(
      ecs.send(new DescribeServicesCommand({ cluster: "example", services: [] })),
    );
    const noCluster = await errorOf(
      ecs.send(new DescribeServicesCommand({ cluster: "other", services: ["x"] })),
    );

    expect(noServices).toEqual({ name: "InvalidParameterException", status: 400 });
    expect(noCluster).toEqual({ name: "ClusterNotFoundException", status: 400 });
  });
});

describe("ECS stand-in: ListTasks and DescribeTasks", () => {
  beforeEach(() => {
    standin.world.tasks.push(
      greenRunning("green-1"),
      greenRunning("green-2"),
      greenRunning("green-3"),
      greenStopped("app-exit--fargate-exit-1", "green-0"),
    );
  });

  it("lists a service's tasks by desired status (RUNNING by default), page by page with nextToken", async () => {
    const first = await ecs.send(
      new ListTasksCommand({ cluster: "example", serviceName: "sd-example", maxResults: 2 }),
    );
    const second = await ecs.send(
      new ListTasksCommand({
        cluster: "example",
        serviceName: "sd-example",
        maxResults: 2,
        nextToken: first.nextToken,
      }),
    );
    const stopped = await ecs.send(
      new ListTasksCommand({ cluster: "example", serviceName: "sd-example", desiredStatus: "STOPPED" }),
    );

    expect(first.taskArns?.map((a) => a.split("/").at(-1))).toEqual(["green-1", "green-2"]);
    expect(second.taskArns?.map((a) => a.split("/").at(-1))).toEqual(["green-3"]);
    expect(second.nextToken).toBeUndefined();
    expect(stopped.taskArns?.map((a) => a.split("/").at(-1))).toEqual(["green-0"]);
  });

  it("answers ServiceNotFoundException for an unknown service and InvalidParameterException for maxResults 0 or a foreign token", async () => {
    const unknown = await errorOf(
      ecs.send(new ListTasksCommand({ cluster: "example", serviceName: "nope" })),
    );
    const zero = await errorOf(ecs.send(new ListTasksCommand({ cluster: "example", maxResults: 0 })));
    const token = await errorOf(
      ecs.send(new ListTasksCommand({ cluster: "example", nextToken: "bm90LWEtdG9rZW4" })),
    );

    expect(unknown?.name).toBe("ServiceNotFoundException");
    expect(zero?.name).toBe("InvalidParameterException");
    expect(token?.name).toBe("InvalidParameterException");
  });

  it("describes tasks by ARN or ID, stop fields and Dates included, and reports unknown ones as MISSING", async () => {
    const [stoppedArn] =
      (
        await ecs.send(
          new ListTasksCommand({ cluster: "example", serviceName: "sd-example", desiredStatus: "STOPPED" }),
        )
      ).taskArns ?? [];

    const out = await ecs.send(
      new DescribeTasksCommand({ cluster: "example", tasks: [stoppedArn ?? "", "green-1", "ghost"] }),
    );

    expect(out.tasks?.map((t) => [t.lastStatus, t.stopCode])).toEqual([
      ["STOPPED", "EssentialContainerExited"],
      ["RUNNING", undefined],
    ]);
    expect(out.tasks?.[0]?.stoppedAt).toBeInstanceOf(Date);
    expect(out.tasks?.[0]?.containers?.[0]?.exitCode).toBe(1);
    expect(out.failures).toEqual([{ arn: "ghost", reason: "MISSING" }]);
  });

  it("refuses more than 100 tasks in one DescribeTasks", async () => {
    const tasks = Array.from({ length: 101 }, (_, i) => `t-${i}`);

    const error = await errorOf(ecs.send(new DescribeTasksCommand({ cluster: "example", tasks })));

    expect(error?.name).toBe("InvalidParameterException");
  });
});

describe("ECS stand-in: DescribeTaskDefinition and DescribeServiceRevisions", () => {
  it("finds a task definition by family (latest ACTIVE), family:revision and ARN; ClientException for an unknown one", async () => {
    const byFamily = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "large-ngingx" }));
    const byRevision = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: "large-ngingx:0" }),
    );
    const byArn = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: TASK_DEFINITION }));
    const unknown = await errorOf(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "ghost:1" })));

    expect(byFamily.taskDefinition?.revision).toBe(1);
    expect(byRevision.taskDefinition?.revision).toBe(0);
    expect(byArn.taskDefinition?.taskDefinitionArn).toBe(TASK_DEFINITION);
    expect(unknown?.name).toBe("ClientException");
  });

  it("describes service revisions, reports unknown ARNs as MISSING and refuses more than 20", async () => {
    const ghost = `${REVISION_ARN}0`;

    const out = await ecs.send(
      new DescribeServiceRevisionsCommand({ serviceRevisionArns: [REVISION_ARN, ghost] }),
    );
    const tooMany = await errorOf(
      ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: Array(21).fill(BLUE_REVISION) })),
    );

    expect(out.serviceRevisions?.map((r) => [r.serviceRevisionArn, r.taskDefinition])).toEqual([
      [REVISION_ARN, TASK_DEFINITION],
    ]);
    expect(out.serviceRevisions?.[0]?.createdAt).toBeInstanceOf(Date);
    expect(out.failures).toEqual([{ arn: ghost, reason: "MISSING" }]);
    expect(tooMany?.name).toBe("InvalidParameterException");
  });
});

describe("ECS stand-in: service deployments", () => {
  it("lists a service's deployments as briefs filtered by status, and ServiceNotFoundException for an unknown service", async () => {
    const inProgress = await ecs.send(
      new ListServiceDeploymentsCommand({
        cluster: "example",
        service: "sd-example",
        status: ["IN_PROGRESS"],
      }),
    );
    const successful = await ecs.send(
      new ListServiceDeploymentsCommand({
        cluster: "example",
        service: "sd-example",
        status: ["SUCCESSFUL"],
      }),
    );
    const unknown = await errorOf(
      ecs.send(new ListServiceDeploymentsCommand({ cluster: "example", service: "x" })),
    );

    expect(inProgress.serviceDeployments).toEqual([
      expect.objectContaining({
        serviceDeploymentArn: DEPLOYMENT_ARN,
        serviceArn: SERVICE_ARN,
        targetServiceRevisionArn: REVISION_ARN,
        status: "IN_PROGRESS",
        createdAt: expect.any(Date),
      }),
    ]);
    expect(successful.serviceDeployments).toEqual([]);
    expect(unknown?.name).toBe("ServiceNotFoundException");
  });

  it("describes a deployment's configuration, stage and lifecycle hook details", async () => {
    pauseAwaitingAction(standin.world);

    const out = await ecs.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [DEPLOYMENT_ARN] }),
    );

    const deployment = out.serviceDeployments?.[0];
    expect(deployment?.lifecycleStage).toBe("POST_SCALE_UP");
    expect(deployment?.deploymentConfiguration?.strategy).toBe("BLUE_GREEN");
    expect(deployment?.lifecycleHookDetails?.map((h) => [h.hookId, h.targetType, h.status])).toEqual([
      [LAMBDA_HOOK_ID, "AWS_LAMBDA", "IN_PROGRESS"],
      [PAUSE_HOOK_ID, "PAUSE", "AWAITING_ACTION"],
    ]);
    expect(deployment?.lifecycleHookDetails?.[1]?.expiresAt).toBeInstanceOf(Date);
  });
});

describe("ECS stand-in: ContinueServiceDeployment", () => {
  beforeEach(() => pauseAwaitingAction(standin.world));

  const hookStatus = (id: string) =>
    standin.world.serviceDeployments[0]?.lifecycleHookDetails?.find((h) => h.hookId === id)?.status;

  it("continues a hook AWAITING_ACTION once: the hook SUCCEEDED, a second call is a ClientException", async () => {
    const out = await ecs.send(
      new ContinueServiceDeploymentCommand({ serviceDeploymentArn: DEPLOYMENT_ARN, hookId: PAUSE_HOOK_ID }),
    );
    const again = await errorOf(
      ecs.send(
        new ContinueServiceDeploymentCommand({ serviceDeploymentArn: DEPLOYMENT_ARN, hookId: PAUSE_HOOK_ID }),
      ),
    );

    expect(out.serviceDeploymentArn).toBe(DEPLOYMENT_ARN);
    expect(hookStatus(PAUSE_HOOK_ID)).toBe("SUCCEEDED");
    expect(standin.world.serviceDeployments[0]?.status).toBe("IN_PROGRESS");
    expect(again?.name).toBe("ClientException");
    expect(standin.calls.filter((c) => c.operation === "ContinueServiceDeployment")).toEqual([
      {
        operation: "ContinueServiceDeployment",
        request: { serviceDeploymentArn: DEPLOYMENT_ARN, hookId: PAUSE_HOOK_ID },
      },
      {
        operation: "ContinueServiceDeployment",
        request: { serviceDeploymentArn: DEPLOYMENT_ARN, hookId: PAUSE_HOOK_ID },
        error: "ClientException",
      },
    ]);
  });

  it("rolls back: the hook SUCCEEDED and the deployment ROLLBACK_IN_PROGRESS", async () => {
    await ecs.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: DEPLOYMENT_ARN,
        hookId: PAUSE_HOOK_ID,
        action: "ROLLBACK",
      }),
    );

    expect(hookStatus(PAUSE_HOOK_ID)).toBe("SUCCEEDED");
    expect(standin.world.serviceDeployments[0]?.status).toBe("ROLLBACK_IN_PROGRESS");
  });

  it("refuses a Lambda hook, an unknown hook, an unknown deployment and a missing hookId with the documented errors", async () => {
    const send = (input: { serviceDeploymentArn: string; hookId: string }) =>
      errorOf(ecs.send(new ContinueServiceDeploymentCommand(input)));

    const lambdaHook = await send({ serviceDeploymentArn: DEPLOYMENT_ARN, hookId: LAMBDA_HOOK_ID });
    const unknownHook = await send({ serviceDeploymentArn: DEPLOYMENT_ARN, hookId: "ecs-pause-ghost" });
    const unknownDeployment = await send({
      serviceDeploymentArn: `${DEPLOYMENT_ARN}x`,
      hookId: PAUSE_HOOK_ID,
    });
    const noHook = await send({ serviceDeploymentArn: DEPLOYMENT_ARN, hookId: "" });

    expect([lambdaHook?.name, unknownHook?.name, unknownDeployment?.name, noHook?.name]).toEqual([
      "ClientException",
      "InvalidParameterException",
      "ServiceDeploymentNotFoundException",
      "InvalidParameterException",
    ]);
    expect(hookStatus(PAUSE_HOOK_ID)).toBe("AWAITING_ACTION");
  });

  it("refuses a hook awaiting action on a deployment that is no longer IN_PROGRESS", async () => {
    const deployment = standin.world.serviceDeployments[0];
    if (deployment) deployment.status = "ROLLBACK_IN_PROGRESS";

    const error = await errorOf(
      ecs.send(
        new ContinueServiceDeploymentCommand({ serviceDeploymentArn: DEPLOYMENT_ARN, hookId: PAUSE_HOOK_ID }),
      ),
    );

    expect(error?.name).toBe("ClientException");
  });
});

describe("ECS stand-in: protocol", () => {
  it("answers UnknownOperationException for an operation it does not serve, and records it", async () => {
    const error = await errorOf(
      ecs.send(new UpdateServiceCommand({ cluster: "example", service: "sd-example" })),
    );

    expect(error).toEqual({ name: "UnknownOperationException", status: 400 });
    expect(standin.calls.at(-1)).toMatchObject({
      operation: "UpdateService",
      error: "UnknownOperationException",
    });
  });

  it("fails the next calls of an operation as asked (ServerException 500, ThrottlingException 400), then answers", async () => {
    standin.failNext("DescribeServiceRevisions", { type: "ServerException" });
    standin.failNext("ListTasks", { type: "ThrottlingException", times: 2 });
    const revisions = () =>
      ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [REVISION_ARN] }));
    const tasks = () => ecs.send(new ListTasksCommand({ cluster: "example" }));

    const server = await errorOf(revisions());
    const throttled = [await errorOf(tasks()), await errorOf(tasks())];
    const recovered = await Promise.all([revisions(), tasks()]);

    expect(server).toEqual({ name: "ServerException", status: 500 });
    expect(throttled).toEqual([
      { name: "ThrottlingException", status: 400 },
      { name: "ThrottlingException", status: 400 },
    ]);
    expect(recovered[0].serviceRevisions).toHaveLength(1);
    expect(recovered[1].taskArns).toEqual([]);
  });

  it("sends timestamps as epoch seconds and refuses an unsigned request", async () => {
    const post = (headers: Record<string, string>) =>
      fetch(standin.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "AmazonEC2ContainerServiceV20141113.DescribeServiceRevisions",
          ...headers,
        },
        body: JSON.stringify({ serviceRevisionArns: [REVISION_ARN] }),
      });

    const signed = await post({
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIASTANDIN/20250720/us-west-2/ecs/aws4_request, Signature=0",
    });
    const unsigned = await post({});

    const body = (await signed.json()) as { serviceRevisions: { createdAt: unknown }[] };
    expect(signed.status).toBe(200);
    expect(body.serviceRevisions[0]?.createdAt).toBe(Date.parse("2024-09-10T16:49:26.39Z") / 1000);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toMatchObject({ __type: "MissingAuthenticationTokenException" });
  });
});

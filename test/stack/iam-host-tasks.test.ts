/**
 * The host alert's task listing (src/app/hosts.ts: ListTasks by container instance, then DescribeTasks) against the
 * packaged deploymentEvents role, evaluated offline with @cloud-copilot/iam-simulate: the requests the lister really
 * sends are allowed on a watched cluster's container instance and refused on another cluster's.
 */
import { DescribeTasksCommand, ECSClient, ListTasksCommand } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ecsHostTasksLister } from "../../src/app/hosts.js";
import { type CfnTemplate, packageStack } from "./support/package-stack.js";
import { ACCOUNT, decide, REGION } from "./support/simulate.js";

const ecsMock = mockClient(ECSClient);
const cluster = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`;
const instance = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${name}/a1b2c3d4e5f6`;
const task = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${name}/0123456789abcdef`;

let template: CfnTemplate;

beforeAll(async () => {
  template = (await packageStack("test", ["watchedClusters=prod,stage", "jobsFile=none"])).template;
}, 600_000);

afterEach(() => {
  ecsMock.reset();
});

/** The ListTasks and DescribeTasks requests the lister sends for a container instance of `clusterName`. */
async function listerRequests(clusterName: string) {
  ecsMock.on(ListTasksCommand).resolves({ taskArns: [task(clusterName)] });
  ecsMock
    .on(DescribeTasksCommand)
    .resolves({ tasks: [{ taskArn: task(clusterName), group: "service:api" }] });
  await ecsHostTasksLister(new ECSClient({ region: REGION }))(cluster(clusterName), instance(clusterName));
  const list = ecsMock.commandCalls(ListTasksCommand)[0]?.args[0].input;
  const describeInput = ecsMock.commandCalls(DescribeTasksCommand)[0]?.args[0].input;
  if (!list?.cluster || !list.containerInstance || !describeInput?.cluster) {
    throw new Error("the lister did not name the cluster and the container instance");
  }
  return {
    listTasks: {
      action: "ecs:ListTasks",
      resource: list.containerInstance,
      context: { "ecs:cluster": list.cluster },
    },
    describeTasks: {
      action: "ecs:DescribeTasks",
      resource: describeInput.tasks?.[0] ?? "",
      context: { "ecs:cluster": describeInput.cluster },
    },
  };
}

describe("deploymentEvents listing the tasks of a host (container instance events)", () => {
  it("may ListTasks with containerInstance, and DescribeTasks, on a watched cluster", async () => {
    const requests = await listerRequests("prod");

    const decisions = [
      await decide(template, "DeploymentEvents", requests.listTasks),
      await decide(template, "DeploymentEvents", requests.describeTasks),
    ];

    expect(requests.listTasks.resource).toBe(instance("prod"));
    expect(decisions).toEqual(["Allowed", "Allowed"]);
  });

  it("may list the hosts of every watched cluster, not only the first", async () => {
    const requests = await listerRequests("stage");

    const decision = await decide(template, "DeploymentEvents", requests.listTasks);

    expect(decision).toBe("Allowed");
  });

  it("is refused ListTasks and DescribeTasks on a container instance of a cluster it does not watch", async () => {
    const requests = await listerRequests("other");

    const decisions = [
      await decide(template, "DeploymentEvents", requests.listTasks),
      await decide(template, "DeploymentEvents", requests.describeTasks),
    ];

    expect(decisions).toEqual(["ImplicitlyDenied", "ImplicitlyDenied"]);
  });
});

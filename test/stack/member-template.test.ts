/**
 * infra/member.yml, the stack of every member account and region of an organization deployment: read as
 * CloudFormation would evaluate it for given parameters, for its structure, its trust and permissions, and its
 * event patterns against the hub's (infra/event-patterns.cjs).
 */
import { spawnSync } from "node:child_process";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { danglingReferences } from "./support/cfn-evaluate.js";
import { matchesPattern } from "./support/event-match.js";
import {
  accountNeutral,
  allPermissionStatements,
  deployMember,
  EXTERNAL_ID,
  forwardingRules,
  HUB_BUS_ARN,
  HUB_PATTERN_OF_RULE,
  HUB_ROLE_ARNS,
  hubPatternInMember,
  list,
  MEMBER_ACCOUNT,
  MEMBER_REGION,
  MEMBER_TEMPLATE_PATH,
  memberTemplate,
  type PolicyStatement,
  permissionStatements,
  trustStatements,
} from "./support/member-stack.js";

const WITH_JOBS = {
  JobTaskDefinitionFamilies: "app-migrate,app-report",
  JobClusters: "batch",
  PassRolePattern: "app-*",
};
const DEPLOYMENTS = {
  "two watched clusters": {},
  "every cluster": { WatchedClusters: "*" },
  "jobs and a PassRole pattern": WITH_JOBS,
} as const;

const actionsOf = (statement: PolicyStatement) => list(statement.Action);
const resourcesOf = (statement: PolicyStatement) => list(statement.Resource);
/** ECS calls that change something: every one of them must be tag-gated or job-scoped. */
const ECS_MUTATIONS = new Set([
  "ecs:UpdateService",
  "ecs:StopServiceDeployment",
  "ecs:ContinueServiceDeployment",
  "ecs:RunTask",
  "ecs:StopTask",
  "ecs:TagResource",
]);
const JOB_ACTIONS = ["ecs:RunTask", "ecs:StopTask", "ecs:TagResource"];
const TAG = "aws:ResourceTag/ecs-sentinel:auto-rollback";

describe("infra/member.yml is plain, consistent CloudFormation", () => {
  it("has no Transform and only AWS:: resource types, so StackSets with service-managed permissions can run it", () => {
    const template = memberTemplate() as ReturnType<typeof memberTemplate> & { Transform?: unknown };

    const types = Object.values(template.Resources).map((resource) => resource.Type);

    expect(template.Transform).toBeUndefined();
    expect(types.filter((type) => !type.startsWith("AWS::") || type.startsWith("AWS::Serverless::"))).toEqual(
      [],
    );
  });

  it("names only declared parameters, resources and conditions in every Ref, GetAtt, Sub variable and If", () => {
    expect(danglingReferences(memberTemplate())).toEqual([]);
  });

  const cfnLint = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" });
  it.skipIf(cfnLint.error !== undefined || cfnLint.status !== 0)(
    "passes cfn-lint without an error or warning",
    () => {
      const lint = spawnSync("cfn-lint", [MEMBER_TEMPLATE_PATH], { encoding: "utf8" });

      expect(lint.stdout + lint.stderr).toBe("");
      expect(lint.status).toBe(0);
    },
    60_000,
  );

  it("refuses a stack without the hub's bus, roles, external id or watched clusters (no defaults)", () => {
    const { Parameters = {} } = memberTemplate();

    const required = Object.entries(Parameters)
      .filter(([, parameter]) => parameter.Default === undefined)
      .map(([name]) => name);

    expect(required.sort()).toEqual(["ExternalId", "HubEventBusArn", "HubRoleArns", "WatchedClusters"]);
  });
});

describe.each(Object.entries(DEPLOYMENTS))("the member stack's IAM, with %s", (_name, overrides) => {
  const stack = deployMember(overrides);
  const statements = allPermissionStatements(stack);

  it("grants no wildcard action, no NotAction and no NotResource", () => {
    for (const [role, statement] of statements) {
      expect(statement.NotAction, `${role} ${statement.Sid}`).toBeUndefined();
      expect(statement.NotResource, `${role} ${statement.Sid}`).toBeUndefined();
      for (const action of actionsOf(statement))
        expect(action, `${role} ${statement.Sid}`).not.toContain("*");
    }
    expect(statements.length).toBeGreaterThan(0);
  });

  it('uses Resource "*" only for DescribeTaskDefinition, and for ListTasks scoped by the ecs:cluster condition', () => {
    const starred = statements.filter(([, statement]) => resourcesOf(statement).includes("*"));

    for (const [, statement] of starred) {
      const [action, ...others] = actionsOf(statement);
      expect(others).toEqual([]);
      if (action === "ecs:ListTasks") expect(statement.Condition?.ArnLike?.["ecs:cluster"]).toBeDefined();
      else expect(action).toBe("ecs:DescribeTaskDefinition");
    }
    expect(starred.length).toBeGreaterThan(0);
  });

  it("gates every rollback and paused-deployment decision on the service's opt-in tag; the deployment half only on service-deployments", () => {
    const mutating = statements.filter(([, statement]) =>
      actionsOf(statement).some((action) => ECS_MUTATIONS.has(action) && !JOB_ACTIONS.includes(action)),
    );

    for (const [, statement] of mutating) {
      const onServices = resourcesOf(statement).some((resource) => resource.includes(":service/"));
      if (onServices) {
        expect(statement.Condition?.StringEquals?.[TAG], statement.Sid).toEqual(["true", "manual"]);
      } else {
        expect(
          resourcesOf(statement).every((resource) => resource.includes(":service-deployment/")),
          statement.Sid,
        ).toBe(true);
        expect(
          actionsOf(statement).every((action) => action.endsWith("ServiceDeployment")),
          statement.Sid,
        ).toBe(true);
      }
    }
    expect(mutating.length).toBeGreaterThan(0);
  });

  it("lets only the hub's function roles assume the member role, and only with the external id", () => {
    const trust = trustStatements(stack, "MemberRole");

    expect(trust).toEqual([
      {
        Sid: "HubFunctionsWithExternalId",
        Effect: "Allow",
        Principal: { AWS: HUB_ROLE_ARNS },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": EXTERNAL_ID } },
      },
    ]);
  });

  it("lets EventBridge of this account forward only with events:PutEvents on the hub bus", () => {
    const forwarding = permissionStatements(stack, "ForwardToHubRole");

    expect(forwarding.map((statement) => [actionsOf(statement), resourcesOf(statement)])).toEqual([
      [["events:PutEvents"], [HUB_BUS_ARN]],
    ]);
    expect(trustStatements(stack, "ForwardToHubRole")).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": MEMBER_ACCOUNT } },
      },
    ]);
  });

  it("targets every rule at the hub bus through the forwarding role, on this region's default bus", () => {
    const rules = Object.values(stack.resources).filter((resource) => resource.Type === "AWS::Events::Rule");

    for (const rule of rules) {
      expect(rule.Properties.EventBusName).toBe("default");
      expect(rule.Properties.Targets).toEqual([
        { Id: "hub-bus", Arn: HUB_BUS_ARN, RoleArn: "getatt:ForwardToHubRole.Arn" },
      ]);
    }
    expect(rules).toHaveLength(5);
  });

  it("outputs the member role's ARN and the five rules' names", () => {
    expect(stack.outputs).toMatchObject({
      MemberRoleArn: "getatt:MemberRole.Arn",
      TaskStoppedRuleName: "ref:ForwardStoppedTasks",
      SpotNoticeRuleName: "ref:ForwardSpotNotices",
      DeploymentRuleName: "ref:ForwardDeployments",
      HookStateRuleName: "ref:ForwardHookStates",
      HostEventsRuleName: "ref:ForwardHostEvents",
    });
  });
});

describe("job and PassRole permissions", () => {
  const jobActionsIn = (overrides: Record<string, string>) =>
    allPermissionStatements(deployMember(overrides)).flatMap(([, statement]) =>
      actionsOf(statement).filter((action) => JOB_ACTIONS.includes(action) || action === "iam:PassRole"),
    );

  it("grants no RunTask, StopTask, TagResource or PassRole without job families or a PassRole pattern", () => {
    expect(jobActionsIn({})).toEqual([]);
  });

  it("with job families, RunTask only of those families' task definitions in the job clusters", () => {
    const statements = permissionStatements(deployMember(WITH_JOBS), "MemberRole");
    const runTask = statements.find((statement) => actionsOf(statement).includes("ecs:RunTask"));

    expect(resourcesOf(runTask ?? { Effect: "Allow" })).toEqual([
      "arn:*:ecs:*:*:task-definition/app-migrate:*",
      "arn:*:ecs:*:*:task-definition/app-report:*",
    ]);
    expect(runTask?.Condition).toEqual({ ArnLike: { "ecs:cluster": ["arn:*:ecs:*:*:cluster/batch"] } });
    expect(jobActionsIn(WITH_JOBS).sort()).toEqual([
      "ecs:RunTask",
      "ecs:StopTask",
      "ecs:TagResource",
      "iam:PassRole",
    ]);
  });

  it("passes only PassRolePattern roles of this account, and only to ECS tasks", () => {
    const statements = permissionStatements(deployMember({ PassRolePattern: "app-*" }), "MemberRole");

    expect(statements.filter((statement) => actionsOf(statement).includes("iam:PassRole"))).toEqual([
      {
        Sid: "PassTaskRoles",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: `arn:aws:iam::${MEMBER_ACCOUNT}:role/app-*`,
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
    ]);
  });
});

describe("CreateMemberRole=false (every region of an account but one)", () => {
  it("creates no member role and no MemberRoleArn output, and still forwards the region's events", () => {
    const stack = deployMember({ CreateMemberRole: "false" });

    expect(stack.resources.MemberRole).toBeUndefined();
    expect(stack.outputs.MemberRoleArn).toBeUndefined();
    expect(forwardingRules(stack).map(([id]) => id)).toEqual(Object.keys(HUB_PATTERN_OF_RULE));
    expect(stack.resources.ForwardToHubRole).toBeDefined();
  });
});

const WATCHED_CLUSTER_LISTS = [["prod"], ["prod", "stage"], ["*"]];

describe.each(WATCHED_CLUSTER_LISTS)(
  "the forwarding rules for WatchedClusters=%s",
  (...clusters: string[]) => {
    const rules = forwardingRules(deployMember({ WatchedClusters: clusters.join(",") }));

    it("are the hub's patterns, with each cluster ARN written by its end instead of its account and region", () => {
      for (const [rule, pattern] of rules) {
        expect(pattern, rule).toEqual(accountNeutral(hubPatternInMember(rule, clusters)));
      }
      expect(rules.map(([rule]) => rule)).toEqual(Object.keys(HUB_PATTERN_OF_RULE));
    });

    it("forward exactly the events of this account and region that the hub's patterns accept", () => {
      const events = memberEvents();

      for (const [rule, pattern] of rules) {
        const hubPattern = hubPatternInMember(rule, clusters) as Record<string, unknown>;
        const forwarded = events.filter((event) => matchesPattern(pattern, event.body));
        const acceptedByHub = events.filter((event) => matchesPattern(hubPattern, event.body));

        expect(
          forwarded.map((event) => event.name),
          rule,
        ).toEqual(acceptedByHub.map((event) => event.name));
        expect(forwarded.length, rule).toBeGreaterThan(0);
        expect(forwarded.length, rule).toBeLessThan(events.length);
      }
    });
  },
);

/** aws.ecs events of the member account and region, in watched clusters, lookalikes and other clusters. */
function memberEvents(): Array<{ name: string; body: Record<string, unknown> }> {
  const ecsArn = (resource: string) => `arn:aws:ecs:${MEMBER_REGION}:${MEMBER_ACCOUNT}:${resource}`;
  const envelope = (detailType: string, resources: string[], detail: Record<string, unknown>) => ({
    source: "aws.ecs",
    "detail-type": detailType,
    account: MEMBER_ACCOUNT,
    region: MEMBER_REGION,
    resources,
    detail,
  });
  return ["prod", "stage", "preprod", "prod-2", "other"].flatMap((cluster) => [
    {
      name: `${cluster}: task stopped`,
      body: envelope("ECS Task State Change", [ecsArn(`task/${cluster}/abc`)], {
        clusterArn: ecsArn(`cluster/${cluster}`),
        lastStatus: "STOPPED",
        desiredStatus: "STOPPED",
        stopCode: "EssentialContainerExited",
      }),
    },
    {
      name: `${cluster}: spot notice`,
      body: envelope("ECS Task State Change", [ecsArn(`task/${cluster}/def`)], {
        clusterArn: ecsArn(`cluster/${cluster}`),
        lastStatus: "RUNNING",
        desiredStatus: "STOPPED",
        stopCode: "SpotInterruption",
      }),
    },
    {
      name: `${cluster}: older spot notice`,
      body: envelope("ECS Task State Change", [ecsArn(`task/${cluster}/jkl`)], {
        clusterArn: ecsArn(`cluster/${cluster}`),
        lastStatus: "RUNNING",
        desiredStatus: "STOPPED",
        stopCode: "TerminationNotice",
      }),
    },
    {
      name: `${cluster}: task running`,
      body: envelope("ECS Task State Change", [ecsArn(`task/${cluster}/ghi`)], {
        clusterArn: ecsArn(`cluster/${cluster}`),
        lastStatus: "RUNNING",
        desiredStatus: "RUNNING",
      }),
    },
    {
      name: `${cluster}: deployment failed`,
      body: envelope("ECS Deployment State Change", [ecsArn(`service/${cluster}/api`)], {
        eventName: "SERVICE_DEPLOYMENT_FAILED",
      }),
    },
    {
      name: `${cluster}: service action`,
      body: envelope("ECS Service Action", [ecsArn(`service/${cluster}/api`)], {
        eventName: "SERVICE_STEADY_STATE",
      }),
    },
    {
      name: `${cluster}: hook paused`,
      body: envelope("ECS Hook State Change", [ecsArn(`service-deployment/${cluster}/api/xyz`)], {
        clusterArn: ecsArn(`cluster/${cluster}`),
      }),
    },
    {
      name: `${cluster}: host impaired`,
      body: envelope("ECS Container Instance Health Change", [ecsArn(`container-instance/${cluster}/ci1`)], {
        clusterArn: ecsArn(`cluster/${cluster}`),
        containerInstanceArn: ecsArn(`container-instance/${cluster}/ci1`),
        overallStatus: "IMPAIRED",
      }),
    },
    {
      name: `${cluster}: host agent disconnected`,
      body: envelope("ECS Container Instance State Change", [ecsArn(`container-instance/${cluster}/ci1`)], {
        clusterArn: ecsArn(`cluster/${cluster}`),
        containerInstanceArn: ecsArn(`container-instance/${cluster}/ci1`),
        agentConnected: false,
      }),
    },
  ]);
}

describe("the member role, evaluated with AWS's policy logic (@cloud-copilot/iam-simulate)", () => {
  const stack = deployMember({ WatchedClusters: "prod", ...WITH_JOBS });
  const memberRoleArn = `arn:aws:iam::${MEMBER_ACCOUNT}:role/ecs-sentinel-member`;
  const ecs = (resource: string, region = MEMBER_REGION) =>
    `arn:aws:ecs:${region}:${MEMBER_ACCOUNT}:${resource}`;

  const decide = async (action: string, resource: string, context: Record<string, string> = {}) => {
    const response = await runSimulation(
      {
        identityPolicies: [
          {
            name: "member",
            policy: { Version: "2012-10-17", Statement: permissionStatements(stack, "MemberRole") },
          },
        ],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: {
          action,
          principal: memberRoleArn,
          resource: { resource, accountId: MEMBER_ACCOUNT },
          contextVariables: context,
        },
      },
      {},
    );
    if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
    return response.overallResult;
  };

  it("rolls back a watched service tagged true or manual, in any region of the account", async () => {
    const cluster = { "ecs:cluster": ecs("cluster/prod") };

    expect(await decide("ecs:UpdateService", ecs("service/prod/api"), { ...cluster, [TAG]: "true" })).toBe(
      "Allowed",
    );
    expect(
      await decide("ecs:UpdateService", ecs("service/prod/api", "us-west-2"), {
        ...cluster,
        [TAG]: "manual",
      }),
    ).toBe("Allowed");
  });

  it("denies the rollback of an untagged, opted-out or unwatched service", async () => {
    expect(await decide("ecs:UpdateService", ecs("service/prod/api"))).toBe("ImplicitlyDenied");
    expect(await decide("ecs:UpdateService", ecs("service/prod/api"), { [TAG]: "false" })).toBe(
      "ImplicitlyDenied",
    );
    expect(await decide("ecs:StopServiceDeployment", ecs("service/prod/api"))).toBe("ImplicitlyDenied");
    expect(await decide("ecs:UpdateService", ecs("service/other/api"), { [TAG]: "true" })).toBe(
      "ImplicitlyDenied",
    );
  });

  it("reads /ecs/ log streams and no other log group", async () => {
    const stream = (group: string) =>
      `arn:aws:logs:${MEMBER_REGION}:${MEMBER_ACCOUNT}:log-group:${group}:log-stream:app/app/abc`;

    expect(await decide("logs:GetLogEvents", stream("/ecs/api"))).toBe("Allowed");
    expect(await decide("logs:GetLogEvents", stream("/aws/lambda/secrets"))).toBe("ImplicitlyDenied");
  });

  it("runs a job's family in a job cluster only", async () => {
    const run = (family: string, cluster: string) =>
      decide("ecs:RunTask", ecs(`task-definition/${family}:3`), { "ecs:cluster": ecs(`cluster/${cluster}`) });

    expect(await run("app-migrate", "batch")).toBe("Allowed");
    expect(await run("app-migrate", "prod")).toBe("ImplicitlyDenied");
    expect(await run("payments", "batch")).toBe("ImplicitlyDenied");
  });

  it("may be assumed by a hub function role with the external id, not without it nor by another hub role", async () => {
    const assume = async (principal: string, context: Record<string, string>) => {
      const response = await runSimulation(
        {
          identityPolicies: [
            {
              name: "hub-function",
              policy: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: memberRoleArn }],
              },
            },
          ],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: { Version: "2012-10-17", Statement: trustStatements(stack, "MemberRole") },
          request: {
            action: "sts:AssumeRole",
            principal,
            resource: { resource: memberRoleArn, accountId: MEMBER_ACCOUNT },
            contextVariables: context,
          },
        },
        {},
      );
      if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
      return response.overallResult;
    };
    const [taskStateRole = ""] = HUB_ROLE_ARNS;

    expect(await assume(taskStateRole, { "sts:ExternalId": EXTERNAL_ID })).toBe("Allowed");
    expect(await assume(taskStateRole, {})).not.toBe("Allowed");
    expect(await assume(taskStateRole, { "sts:ExternalId": "another-external-id" })).not.toBe("Allowed");
    expect(
      await assume(taskStateRole.replace("taskState", "admin"), { "sts:ExternalId": EXTERNAL_ID }),
    ).not.toBe("Allowed");
  });
});

/**
 * Hub mode's stack parameters (infra/hub-params.cjs) and the pure builders of infra/hub.cjs and
 * infra/function-events.cjs: validation (every problem at once, nothing silently ignored), the bus policy, the
 * member-role statements, the handlers' settings and the rules on both buses.
 */
import { describe, expect, it } from "vitest";
import { functionEvents } from "../../infra/function-events.cjs";
import { hubBusPolicy, hubEnvironment, hubResources, memberRoleStatements } from "../../infra/hub.cjs";
import { allowedAccounts } from "../../infra/hub-params.cjs";
import {
  deploymentEventsStatements,
  hubAccountId,
  InvalidStackParameterError,
  type RawStackParams,
  runJobStatements,
  stackParams,
  taskStateStatements,
  watchdogStatements,
} from "../../infra/stack-config.cjs";
import { readStack } from "../../infra/stack-inputs.cjs";

const EXTERNAL_ID = "ecs-sentinel-0123456789abcdef";
const ORG = "o-a1b2c3d4e5";
const ACCOUNTS = "111111111111,222222222222";
const sub = (text: string) => ({ "Fn::Sub": text });
const memberRole = (account: string, name = "ecs-sentinel-member") =>
  sub(`arn:\${AWS::Partition}:iam::${account}:role/${name}`);

const watching = (raw: RawStackParams = {}) => stackParams({ watchedClusters: "prod", ...raw });
const hub = (raw: RawStackParams = {}) =>
  watching({ hubMode: "true", memberExternalId: EXTERNAL_ID, memberAccounts: ACCOUNTS, ...raw });

function problemsOf(raw: RawStackParams): string[] {
  try {
    watching(raw);
  } catch (error) {
    if (error instanceof InvalidStackParameterError) return error.problems;
    throw error;
  }
  return [];
}

const RULE_SETTINGS = {
  namePrefix: "ecs-sentinel-prod",
  retryPolicy: { maximumEventAge: 3600, maximumRetryAttempts: 8 },
  deadLetterQueueArn: { "Fn::GetAtt": ["DeadLetterQueue", "Arn"] },
};

describe("hub parameters", () => {
  it("leave a stack single-account by default, with the default member role name", () => {
    expect(watching()).toMatchObject({
      hubMode: false,
      organizationId: "",
      memberAccounts: [],
      memberRoleName: "ecs-sentinel-member",
      memberExternalId: "",
      accountNames: [],
    });
  });

  it("accept an organization, an account list, a role name, an external id and account names", () => {
    const params = hub({
      organizationId: ORG,
      memberRoleName: "ops-sentinel",
      accountNames: "111111111111=prod, 222222222222 = staging EU",
    });

    expect(params).toMatchObject({
      hubMode: true,
      organizationId: ORG,
      memberAccounts: ["111111111111", "222222222222"],
      memberRoleName: "ops-sentinel",
      memberExternalId: EXTERNAL_ID,
      accountNames: [
        { id: "111111111111", name: "prod" },
        { id: "222222222222", name: "staging EU" },
      ],
    });
  });

  it("refuse each bad value, all at once", () => {
    const problems = problemsOf({
      hubMode: "maybe",
      organizationId: "o-SHORT",
      memberAccounts: "111111111111,12345",
      memberRoleName: "arn:aws:iam::111111111111:role/x",
      accountNames: "12345=prod,333333333333=,444444444444",
    });

    expect(problems).toEqual([
      'hubMode="maybe" must be one of 1, true, yes, on, 0, false, no, off',
      'organizationId="o-SHORT" is not an organization id: o- and 10-32 lowercase letters or digits, e.g. o-a1b2c3d4e5',
      'memberAccounts="12345" is not an AWS account id (12 digits)',
      'memberRoleName="arn:aws:iam::111111111111:role/x" is not an IAM role name (1-64 letters, digits and +=,.@_-; no path, not an ARN)',
      'accountNames="12345=prod" is not ACCOUNT_ID=NAME with a 12-digit account id',
      'accountNames="333333333333=" has no name after the account id (ACCOUNT_ID=NAME)',
      'accountNames="444444444444" has no name after the account id (ACCOUNT_ID=NAME)',
      "organizationId has no effect without hubMode=true: set hubMode=true, or leave it empty",
      "memberAccounts has no effect without hubMode=true: set hubMode=true, or leave it empty",
    ]);
  });

  it("pass account routing through as JSON, and refuse a routing that is not JSON or names other keys", () => {
    const routing = JSON.stringify({ "222222222222": { channels: "slack", "min-severity": "warning" } });

    expect(hubEnvironment(watching({ accountRouting: routing })).ACCOUNT_ROUTING).toBe(routing);
    expect(problemsOf({ accountRouting: "{channels: slack}" })[0]).toMatch(/^accountRouting=.* is not JSON/);
    expect(
      problemsOf({ accountRouting: JSON.stringify({ "12345": {}, "222222222222": { channel: "slack" } }) }),
    ).toEqual([
      'accountRouting="12345" is not a 12-digit account id',
      'accountRouting="222222222222.channel" is not one of channels, min-severity, slack-channel, mute',
    ]);
  });

  it("refuse an organizational unit or root id given as the organization", () => {
    expect(
      problemsOf({
        ...{ hubMode: "true", memberExternalId: EXTERNAL_ID },
        organizationId: "ou-ab12-cdef3456",
      }),
    ).toEqual([
      expect.stringMatching(
        /^organizationId="ou-ab12-cdef3456" is not an organization id: it is a root or organizational unit id/,
      ),
    ]);
  });

  it("refuse a wildcard member role name, which would let the hub assume every matching role", () => {
    expect(
      problemsOf({
        hubMode: "true",
        memberExternalId: EXTERNAL_ID,
        memberAccounts: ACCOUNTS,
        memberRoleName: "ecs-*",
      }),
    ).toEqual([expect.stringContaining('memberRoleName="ecs-*" has a wildcard')]);
  });

  it("refuse hub mode without an organization or accounts, and without an external id", () => {
    expect(problemsOf({ hubMode: "true" })).toEqual([
      expect.stringMatching(/^hubMode="true" needs organizationId .* or memberAccounts/),
      expect.stringMatching(/^memberExternalId is required with hubMode=true/),
    ]);
  });

  it("refuse an external id that is too short, too long or has other characters, without echoing it", () => {
    const tooShort = "short-secret-1";
    const cases = [tooShort, "x".repeat(1225), "0123456789abcdef gh"];

    const problems = cases.map((memberExternalId) =>
      problemsOf({ hubMode: "true", memberAccounts: ACCOUNTS, memberExternalId }),
    );

    expect(problems).toEqual([
      [expect.stringMatching(/^memberExternalId is 14 characters; it must be 16-1224/)],
      [expect.stringMatching(/^memberExternalId is 1225 characters/)],
      ["memberExternalId has a character STS does not accept (letters, digits and _+=,.@:/- only)"],
    ]);
    expect(problems.flat().join("\n")).not.toContain(tooShort);
  });

  it("refuse hub parameters that a single-account stack would ignore, but accept account names there", () => {
    const problems = problemsOf({
      memberAccounts: ACCOUNTS,
      memberExternalId: EXTERNAL_ID,
      memberRoleName: "ops-sentinel",
      accountNames: "111111111111=prod",
    });

    expect(problems).toEqual([
      "memberAccounts has no effect without hubMode=true: set hubMode=true, or leave it empty",
      "memberExternalId has no effect without hubMode=true: set hubMode=true, or leave it empty",
      'memberRoleName="ops-sentinel" has no effect without hubMode=true',
    ]);
    expect(
      watching({ accountNames: "111111111111=prod", memberRoleName: "ecs-sentinel-member" }).accountNames,
    ).toEqual([{ id: "111111111111", name: "prod" }]);
  });

  it("refuse one account named twice differently, and keep one named twice alike once", () => {
    expect(problemsOf({ accountNames: "111111111111=prod,111111111111=live" })).toEqual([
      'accountNames="111111111111=live" names account 111111111111 a second time, differently',
    ]);
    expect(watching({ accountNames: "111111111111=prod,111111111111=prod" }).accountNames).toHaveLength(1);
  });

  it("suggest the hub parameter a misspelt --param meant", async () => {
    const failure = await readStack({
      options: { param: ["watchedClusters=prod", "jobsFile=none", "memberAcounts=111111111111"] },
    }).catch((error: unknown) => error);

    expect((failure as InvalidStackParameterError).problems).toEqual([
      '--param="memberAcounts=111111111111": unknown parameter; did you mean "memberAccounts"?',
    ]);
  });
});

describe("the handlers' hub settings", () => {
  it("allow only the hub's own account in a single-account stack", () => {
    expect(hubEnvironment(watching({ accountNames: "111111111111=prod" }))).toEqual({
      MEMBER_ROLE_NAME: "ecs-sentinel-member",
      MEMBER_EXTERNAL_ID: "",
      ALLOWED_ACCOUNTS: "",
      ACCOUNT_NAMES: "111111111111=prod",
      ACCOUNT_ROUTING: "",
    });
  });

  it("name the hub's account by reference, and leave it empty under osls invoke local, which cannot resolve it", () => {
    expect(hubAccountId(["node", "serverless", "package"])).toEqual({ Ref: "AWS::AccountId" });
    expect(hubAccountId(["node", "serverless", "invoke", "local", "-f", "taskState"])).toBe("");
  });

  it("allow the organization when one is given, else exactly the listed accounts", () => {
    expect(allowedAccounts(hub({ organizationId: ORG }))).toBe("organization");
    expect(allowedAccounts(hub({ organizationId: ORG, memberAccounts: "" }))).toBe("organization");
    expect(allowedAccounts(hub())).toBe(ACCOUNTS);
    expect(hubEnvironment(hub()).MEMBER_EXTERNAL_ID).toBe(EXTERNAL_ID);
  });
});

describe("sts:AssumeRole of the member role", () => {
  const builders = { taskStateStatements, deploymentEventsStatements, runJobStatements, watchdogStatements };

  it("is granted to no function of a single-account stack", () => {
    for (const [name, build] of Object.entries(builders)) {
      const actions = build(watching()).flatMap((statement) => statement.Action);
      expect(actions, name).not.toContain("sts:AssumeRole");
    }
  });

  it("names the member role in each listed account, and nothing else", () => {
    expect(memberRoleStatements(hub())).toEqual([
      {
        Sid: "AssumeMemberRoleInListedAccounts",
        Effect: "Allow",
        Action: ["sts:AssumeRole"],
        Resource: [memberRole("111111111111"), memberRole("222222222222")],
      },
    ]);
  });

  it("names the member role in any account only of the organization, by aws:ResourceOrgID", () => {
    expect(
      memberRoleStatements(hub({ organizationId: ORG, memberAccounts: "", memberRoleName: "ops" })),
    ).toEqual([
      {
        Sid: "AssumeMemberRoleInOrganization",
        Effect: "Allow",
        Action: ["sts:AssumeRole"],
        Resource: [memberRole("*", "ops")],
        Condition: { StringEquals: { "aws:ResourceOrgID": ORG } },
      },
    ]);
  });

  it("is the last grant of every function in hub mode", () => {
    for (const [name, build] of Object.entries(builders)) {
      expect(build(hub()).at(-1)?.Action, name).toEqual(["sts:AssumeRole"]);
    }
  });
});

describe("the hub bus", () => {
  const busArn = sub(
    `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/ecs-sentinel-prod-hub`,
  );

  it("admits PutEvents from the organization's accounts and the listed accounts' roots, nothing else", () => {
    expect(hubBusPolicy(hub({ organizationId: ORG }), "ecs-sentinel-prod-hub")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountsOfTheOrganizationPutEvents",
          Effect: "Allow",
          Principal: "*",
          Action: "events:PutEvents",
          Resource: busArn,
          Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
        },
        {
          Sid: "ListedMemberAccountsPutEvents",
          Effect: "Allow",
          Principal: {
            AWS: [
              sub(`arn:\${AWS::Partition}:iam::111111111111:root`),
              sub(`arn:\${AWS::Partition}:iam::222222222222:root`),
            ],
          },
          Action: "events:PutEvents",
          Resource: busArn,
        },
      ],
    });
  });

  it("does not exist in a single-account stack", () => {
    expect(hubResources(watching(), { service: "ecs-sentinel", stage: "prod" })).toEqual({});
  });

  it("is named after the stack, and its outputs name the functions' roles but not the external id", () => {
    const resources = hubResources(hub(), { service: "ecs-sentinel", stage: "prod" });

    expect(resources.Resources?.HubEventBus).toMatchObject({
      Type: "AWS::Events::EventBus",
      Properties: { Name: "ecs-sentinel-prod-hub" },
    });
    expect(Object.keys(resources.Outputs ?? {})).toEqual(["HubEventBusArn", "HubRoleArns"]);
    expect(JSON.stringify(resources.Outputs)).not.toContain(EXTERNAL_ID);
  });
});

describe("the functions' rules", () => {
  it("are the default bus's only in a single-account stack", () => {
    const events = functionEvents(watching(), "taskState", RULE_SETTINGS);

    expect(events.map((event) => event.eventBridge.name)).toEqual([
      "ecs-sentinel-prod-task-stopped",
      "ecs-sentinel-prod-spot-notice",
    ]);
    expect(events.every((event) => event.eventBridge.eventBus === undefined)).toBe(true);
  });

  it("come again on the hub bus, after the default bus's, with the same delivery settings", () => {
    const events = functionEvents(hub(), "deploymentEvents", RULE_SETTINGS);

    expect(events.map((event) => [event.eventBridge.name, event.eventBridge.eventBus])).toEqual([
      ["ecs-sentinel-prod-deployments", undefined],
      ["ecs-sentinel-prod-pause-hooks", undefined],
      ["ecs-sentinel-prod-hosts", undefined],
      ["ecs-sentinel-prod-deployments-hub", { "Fn::GetAtt": ["HubEventBus", "Name"] }],
      ["ecs-sentinel-prod-pause-hooks-hub", { "Fn::GetAtt": ["HubEventBus", "Name"] }],
      ["ecs-sentinel-prod-hosts-hub", { "Fn::GetAtt": ["HubEventBus", "Name"] }],
    ]);
    for (const event of events) {
      expect(event.eventBridge.retryPolicy).toEqual(RULE_SETTINGS.retryPolicy);
      expect(event.eventBridge.deadLetterQueueArn).toEqual(RULE_SETTINGS.deadLetterQueueArn);
    }
  });

  it("filter the hub bus on the watched clusters' names in any account and region", () => {
    const [stopped, , stoppedOnHub] = functionEvents(hub(), "taskState", RULE_SETTINGS);
    const deploymentRules = functionEvents(hub(), "deploymentEvents", RULE_SETTINGS);
    const [deployments] = deploymentRules;
    const deploymentsOnHub = deploymentRules[deploymentRules.length / 2];

    expect(stopped?.eventBridge.pattern.detail?.clusterArn).toEqual([
      sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:cluster/prod`),
    ]);
    expect(stoppedOnHub?.eventBridge.pattern.detail?.clusterArn).toEqual([
      { wildcard: sub(`arn:\${AWS::Partition}:ecs:*:*:cluster/prod`) },
    ]);
    expect(deployments?.eventBridge.pattern.resources).toEqual([
      { prefix: sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:service/prod/`) },
    ]);
    expect(deploymentsOnHub?.eventBridge.pattern.resources).toEqual([
      { wildcard: sub(`arn:\${AWS::Partition}:ecs:*:*:service/prod/*`) },
    ]);
  });

  it("filter the container instance events on the detail's cluster, on both buses", () => {
    const events = functionEvents(hub(), "deploymentEvents", RULE_SETTINGS);
    const hosts = events.filter((event) => event.eventBridge.name.startsWith("ecs-sentinel-prod-hosts"));

    expect(hosts.map((event) => event.eventBridge.pattern)).toEqual([
      {
        source: ["aws.ecs"],
        "detail-type": ["ECS Container Instance State Change", "ECS Container Instance Health Change"],
        detail: {
          clusterArn: [sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:cluster/prod`)],
        },
      },
      {
        source: ["aws.ecs"],
        "detail-type": ["ECS Container Instance State Change", "ECS Container Instance Health Change"],
        detail: { clusterArn: [{ wildcard: sub(`arn:\${AWS::Partition}:ecs:*:*:cluster/prod`) }] },
      },
    ]);
  });

  it("have byte-identical patterns on both buses when every cluster is watched", () => {
    const params = hub({ watchedClusters: "*" });

    for (const fn of ["taskState", "deploymentEvents"] as const) {
      const events = functionEvents(params, fn, RULE_SETTINGS);
      const half = events.length / 2;
      for (const [index, onDefault] of events.slice(0, half).entries()) {
        expect(events[index + half]?.eventBridge.pattern, fn).toEqual(onDefault.eventBridge.pattern);
      }
    }
  });
});

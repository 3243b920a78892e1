/**
 * Hub mode in the PACKAGED template (osls package, offline): a single-account stack is today's stack but for the
 * handlers' new (empty) settings; a hub stack adds the hub bus, whose policy admits only the organization or the
 * listed accounts, every rule again on that bus, sts:AssumeRole of the member role only, and the outputs the
 * member template takes. IAM and the bus policy are evaluated request by request with iam-simulate.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { beforeAll, describe, expect, it } from "vitest";
import { MINIMAL_PARAMS } from "./support/documented-stack.js";
import { asArray, functionRoleId, functionsIn, roleIdStatements, statementsAllowing } from "./support/iam.js";
import {
  type CfnResource,
  type CfnTemplate,
  packageStack,
  resourcesOfType,
} from "./support/package-stack.js";
import { ACCOUNT, concrete, identityPolicy, REGION } from "./support/simulate.js";

const EXTERNAL_ID = "ecs-sentinel-0123456789abcdef";
const ORG = "o-a1b2c3d4e5";
const LISTED = ["111111111111", "222222222222"];
const UNLISTED = "333333333333";
const HUB_ENV = [
  "HUB_ACCOUNT_ID",
  "MEMBER_ROLE_NAME",
  "MEMBER_EXTERNAL_ID",
  "ALLOWED_ACCOUNTS",
  "ACCOUNT_NAMES",
];

/** Today's single-account stack, with the one hub parameter a single-account stack takes. */
const SINGLE_PARAMS = [...MINIMAL_PARAMS, "hubMode=false", "accountNames=123456789012=hub"];
const ACCOUNTS_PARAMS = [
  "watchedClusters=prod,stage",
  "jobsFile=none",
  "hubMode=true",
  `memberAccounts=${LISTED.join(",")}`,
  `memberExternalId=${EXTERNAL_ID}`,
  "accountNames=111111111111=prod,222222222222=staging",
];
/** The organization, with Slack buttons: slackActions acts in member accounts too. */
const ORG_PARAMS = [
  "watchedClusters=prod",
  "jobsFile=none",
  "hubMode=true",
  `organizationId=${ORG}`,
  `memberExternalId=${EXTERNAL_ID}`,
  "memberRoleName=ops-sentinel",
  "slackBotTokenSecret=ops/slack-bot-token",
  "slackChannel=C0123456789",
  "slackSigningSecret=ops/slack-signing-secret",
  "slackApprovers=U0123ABCD",
];

let today: CfnTemplate;
let single: CfnTemplate;
let accounts: CfnTemplate;
let organization: CfnTemplate;

beforeAll(async () => {
  // In turn: parallel esbuild runs only compete for this machine's cores.
  today = (await packageStack("test", MINIMAL_PARAMS)).template;
  single = (await packageStack("test", SINGLE_PARAMS)).template;
  accounts = (await packageStack("test", ACCOUNTS_PARAMS)).template;
  organization = (await packageStack("test", ORG_PARAMS)).template;
}, 600_000);

function envOf(template: CfnTemplate, fn: string): Record<string, unknown> {
  const environment = template.Resources[`${fn}LambdaFunction`]?.Properties.Environment as
    | { Variables: Record<string, unknown> }
    | undefined;
  return environment?.Variables ?? {};
}

/**
 * The template without what differs between two packages of the same stack: the upload's S3 key, the hash in a
 * Lambda version's logical id (it covers the environment) and the handlers' hub settings.
 */
function comparable(template: CfnTemplate): Array<[string, CfnResource]> {
  const resources = Object.entries(structuredClone(template.Resources)).map(([id, resource]) => {
    const properties = resource.Properties ?? {};
    const environment = properties.Environment as { Variables?: Record<string, unknown> } | undefined;
    for (const name of HUB_ENV) delete environment?.Variables?.[name];
    delete (properties.Code as { S3Key?: string } | undefined)?.S3Key;
    return [id.replace(/LambdaVersion\w+$/, "LambdaVersion"), resource] as [string, CfnResource];
  });
  return resources.sort(([a], [b]) => a.localeCompare(b));
}

const rules = (template: CfnTemplate) => resourcesOfType(template, "AWS::Events::Rule");
const onHub = (rule: CfnResource) => rule.Properties.EventBusName !== undefined;
const HUB_BUS_NAME = { "Fn::GetAtt": ["HubEventBus", "Name"] };

const OWN_ECS_ARN = `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:`;
const ANY_ECS_ARN = `arn:\${AWS::Partition}:ecs:*:*:`;

/**
 * The default bus's pattern with its watched-cluster filter made account- and region-neutral, as the hub bus's
 * rule has it: a cluster ARN or a service-ARN prefix of this account becomes a wildcard over every account.
 */
function neutral(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(neutral);
  if (typeof value !== "object" || value === null) return value;
  const object = value as Record<string, unknown>;
  const isPrefix = "prefix" in object;
  const arn = (isPrefix ? (object.prefix as Record<string, unknown>) : object)["Fn::Sub"];
  if (typeof arn === "string" && arn.startsWith(OWN_ECS_ARN)) {
    const resource = arn.slice(OWN_ECS_ARN.length);
    return { wildcard: { "Fn::Sub": `${ANY_ECS_ARN}${resource}${isPrefix ? "*" : ""}` } };
  }
  return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, neutral(inner)]));
}

/** Simulates `action` on a resource of another account, under its resource policy. */
async function decideAcross(request: {
  principal: string;
  identity: unknown;
  action: string;
  resource: string;
  resourceAccount: string;
  resourcePolicy: unknown;
  context?: Record<string, string>;
}): Promise<string> {
  const response = await runSimulation(
    {
      identityPolicies: [{ name: "identity", policy: request.identity }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.resourcePolicy,
      request: {
        action: request.action,
        principal: request.principal,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: request.context ?? {},
      },
    },
    {},
  );
  if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
  return response.overallResult;
}

describe("a single-account stack (hubMode=false)", () => {
  it("is today's stack but for the handlers' new settings", () => {
    expect(comparable(single)).toEqual(comparable(today));
  });

  it("has no hub bus, no bus policy, no rule on another bus and no AssumeRole", () => {
    for (const template of [today, single]) {
      expect(resourcesOfType(template, "AWS::Events::EventBus")).toEqual([]);
      expect(resourcesOfType(template, "AWS::Events::EventBusPolicy")).toEqual([]);
      expect(rules(template).filter(([, rule]) => onHub(rule))).toEqual([]);
      for (const fn of functionsIn(template)) {
        expect(statementsAllowing(template, fn, "sts:AssumeRole"), fn).toEqual([]);
      }
      expect(Object.keys(template.Outputs ?? {})).not.toContain("HubEventBusArn");
    }
  });

  it("tells every function its own account is the only one, and the account names as given", () => {
    for (const fn of functionsIn(single)) {
      expect(envOf(single, fn), fn).toMatchObject({
        HUB_ACCOUNT_ID: { Ref: "AWS::AccountId" },
        MEMBER_ROLE_NAME: "ecs-sentinel-member",
        MEMBER_EXTERNAL_ID: "",
        ALLOWED_ACCOUNTS: "",
        ACCOUNT_NAMES: "123456789012=hub",
      });
    }
  });
});

describe("a hub stack", () => {
  it("creates the hub bus, named after the stack", () => {
    for (const template of [accounts, organization]) {
      expect(template.Resources.HubEventBus).toMatchObject({
        Type: "AWS::Events::EventBus",
        Properties: { Name: "ecs-sentinel-test-hub" },
      });
    }
  });

  it("keeps every rule of the default bus, logical id and all, as a single-account stack has it", () => {
    // The organization stack watches what today's does (prod).
    const defaults = rules(organization).filter(([, rule]) => !onHub(rule));

    expect(Object.fromEntries(defaults)).toEqual(Object.fromEntries(rules(today)));
  });

  it("has every rule of the functions on both buses, with the same pattern (cluster filter in any account) and delivery", () => {
    for (const template of [accounts, organization]) {
      const all = rules(template);
      const defaults = all.filter(([, rule]) => !onHub(rule));
      const hubs = all.filter(([, rule]) => onHub(rule));
      expect(defaults).toHaveLength(5);
      expect(hubs).toHaveLength(5);

      for (const [, rule] of defaults) {
        const twin = hubs.find(([, hub]) => hub.Properties.Name === `${rule.Properties.Name}-hub`)?.[1];
        expect(twin, String(rule.Properties.Name)).toBeDefined();
        expect(twin?.Properties.EventBusName).toEqual(HUB_BUS_NAME);
        expect(twin?.Properties.EventPattern).toEqual(neutral(rule.Properties.EventPattern));
        const [target] = rule.Properties.Targets as Array<Record<string, unknown>>;
        const [hubTarget] = (twin?.Properties.Targets ?? []) as Array<Record<string, unknown>>;
        expect(hubTarget?.Arn).toEqual(target?.Arn);
        expect(hubTarget?.RetryPolicy).toEqual(target?.RetryPolicy);
        expect(hubTarget?.DeadLetterConfig).toEqual(target?.DeadLetterConfig);
      }
    }
  });

  it("lets each hub rule invoke its function, and lands its failures in the dead-letter queue", () => {
    const permissions = resourcesOfType(accounts, "AWS::Lambda::Permission").map(([, p]) =>
      JSON.stringify(p),
    );
    const queuePolicy = JSON.stringify(accounts.Resources.DeadLetterQueuePolicy);
    const ruleArnPattern = /rule\/(ecs-sentinel-test-\*)"/.exec(queuePolicy)?.[1];

    for (const [, rule] of rules(accounts).filter(([, r]) => onHub(r))) {
      const name = String(rule.Properties.Name);
      expect(
        permissions.some((p) => p.includes(`"rule",{"Fn::GetAtt":["HubEventBus","Name"]},"${name}"`)),
        name,
      ).toBe(true);
      // The rule's ARN is rule/BUS/NAME; ArnLike's * spans the slash.
      expect(`ecs-sentinel-test-hub/${name}`.startsWith(String(ruleArnPattern).replace("*", "")), name).toBe(
        true,
      );
    }
  });

  it("outputs the bus ARN and every function's role ARN, never the external id", () => {
    for (const template of [accounts, organization]) {
      const outputs = template.Outputs as Record<string, { Value: unknown }>;
      const roleIds = functionsIn(template).map((fn) => functionRoleId(template, fn));
      const joined = outputs.HubRoleArns?.Value as {
        "Fn::Join": [string, Array<{ "Fn::GetAtt": string[] }>];
      };

      expect(outputs.HubEventBusArn?.Value).toEqual({ "Fn::GetAtt": ["HubEventBus", "Arn"] });
      expect(joined["Fn::Join"][0]).toBe(",");
      expect(joined["Fn::Join"][1].map((arn) => arn["Fn::GetAtt"][0])).toEqual(roleIds);
      expect(JSON.stringify(template.Outputs)).not.toContain(EXTERNAL_ID);
    }
    expect(functionsIn(organization)).toContain("SlackActions");
  });

  it("tells the handlers which accounts are allowed, the member role and its external id", () => {
    for (const fn of functionsIn(accounts)) {
      expect(envOf(accounts, fn), fn).toMatchObject({
        MEMBER_ROLE_NAME: "ecs-sentinel-member",
        MEMBER_EXTERNAL_ID: EXTERNAL_ID,
        ALLOWED_ACCOUNTS: LISTED.join(","),
        ACCOUNT_NAMES: "111111111111=prod,222222222222=staging",
      });
    }
    for (const fn of functionsIn(organization)) {
      expect(envOf(organization, fn), fn).toMatchObject({
        MEMBER_ROLE_NAME: "ops-sentinel",
        ALLOWED_ACCOUNTS: "organization",
      });
    }
  });
});

describe("the hub bus policy", () => {
  const busArn = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/ecs-sentinel-test-hub`;
  const forwarder = (account: string) => `arn:aws:iam::${account}:role/ecs-sentinel-forwarder`;
  const mayPutEvents = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: "*" }],
  };

  function busPolicyOf(template: CfnTemplate) {
    const policy = template.Resources.HubEventBus?.Properties.Policy as {
      Statement: Array<{ Action: unknown; Effect: unknown; Principal: unknown; Resource: unknown }>;
    };
    return {
      Version: "2012-10-17",
      Statement: policy.Statement.map((statement) => ({
        ...statement,
        Resource: concrete(statement.Resource),
        Principal:
          statement.Principal === "*"
            ? "*"
            : { AWS: concrete((statement.Principal as { AWS: unknown[] }).AWS) },
      })),
    };
  }

  const putEvents = (template: CfnTemplate, account: string, context?: Record<string, string>) =>
    decideAcross({
      principal: forwarder(account),
      identity: mayPutEvents,
      action: "events:PutEvents",
      resource: busArn,
      resourceAccount: ACCOUNT,
      resourcePolicy: busPolicyOf(template),
      ...(context ? { context } : {}),
    });

  it("admits PutEvents only from the listed accounts", async () => {
    for (const account of LISTED) expect(await putEvents(accounts, account), account).toBe("Allowed");
    expect(await putEvents(accounts, UNLISTED)).toBe("ImplicitlyDenied");
  });

  it("admits PutEvents only from accounts of the organization", async () => {
    expect(await putEvents(organization, UNLISTED, { "aws:PrincipalOrgID": ORG })).toBe("Allowed");
    expect(await putEvents(organization, UNLISTED, { "aws:PrincipalOrgID": "o-zzzzzzzzzz" })).toBe(
      "ImplicitlyDenied",
    );
    expect(await putEvents(organization, UNLISTED)).toBe("ImplicitlyDenied");
  });

  it("grants PutEvents and nothing else, on this bus only", () => {
    for (const template of [accounts, organization]) {
      for (const statement of busPolicyOf(template).Statement) {
        expect(statement.Action).toBe("events:PutEvents");
        expect(statement.Effect).toBe("Allow");
        expect(statement.Resource).toBe(busArn);
      }
    }
  });
});

describe("sts:AssumeRole in a hub stack", () => {
  /** The member role's trust policy (infra/member.yml): the hub's function roles, with the external id. */
  const trusting = (principal: string) => ({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: principal },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": EXTERNAL_ID } },
      },
    ],
  });

  async function assume(
    template: CfnTemplate,
    fn: ReturnType<typeof functionsIn>[number],
    role: string,
    context: Record<string, string> = {},
  ) {
    const principal = `arn:aws:iam::${ACCOUNT}:role/ecs-sentinel-test-${fn}`;
    return decideAcross({
      principal,
      identity: identityPolicy(template, fn),
      action: "sts:AssumeRole",
      resource: role,
      resourceAccount: role.split(":")[4] ?? "",
      resourcePolicy: trusting(principal),
      context: { "sts:ExternalId": EXTERNAL_ID, ...context },
    });
  }
  const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

  it("grants every function AssumeRole of the member role and of nothing else", () => {
    for (const template of [accounts, organization]) {
      for (const fn of functionsIn(template)) {
        const statements = statementsAllowing(template, fn, "sts:AssumeRole");
        expect(statements.length, fn).toBeGreaterThan(0);
        for (const statement of statements) {
          expect(statement.Action, fn).toEqual(["sts:AssumeRole"]);
          for (const resource of asArray(statement.Resource)) {
            expect(JSON.stringify(resource), fn).toMatch(
              /:iam::(\d{12}|\*):role\/(ecs-sentinel-member|ops-sentinel)"/,
            );
          }
        }
      }
    }
  });

  it("with memberAccounts: the member role of a listed account only", async () => {
    for (const fn of functionsIn(accounts)) {
      for (const account of LISTED) {
        expect(await assume(accounts, fn, role(account, "ecs-sentinel-member")), `${fn} ${account}`).toBe(
          "Allowed",
        );
      }
      expect(await assume(accounts, fn, role(LISTED[0] ?? "", "admin")), `${fn} other role`).toBe(
        "ImplicitlyDenied",
      );
      expect(await assume(accounts, fn, role(UNLISTED, "ecs-sentinel-member")), `${fn} unlisted`).toBe(
        "ImplicitlyDenied",
      );
    }
  });

  it("with organizationId: the member role of an account whose organization is the one given", async () => {
    const memberRole = role(UNLISTED, "ops-sentinel");
    for (const fn of functionsIn(organization)) {
      expect(await assume(organization, fn, memberRole, { "aws:ResourceOrgID": ORG }), fn).toBe("Allowed");
      expect(
        await assume(organization, fn, memberRole, { "aws:ResourceOrgID": "o-zzzzzzzzzz" }),
        `${fn} other organization`,
      ).toBe("ImplicitlyDenied");
      expect(await assume(organization, fn, memberRole), `${fn} no organization`).toBe("ImplicitlyDenied");
      expect(
        await assume(organization, fn, role(UNLISTED, "admin"), { "aws:ResourceOrgID": ORG }),
        `${fn} other role`,
      ).toBe("ImplicitlyDenied");
    }
  });

  it("adds nothing else to any function's role", () => {
    for (const fn of functionsIn(accounts)) {
      const hubActions = roleIdStatements(accounts, functionRoleId(accounts, fn)).flatMap((s) =>
        asArray(s.Action),
      );
      const singleActions = roleIdStatements(single, functionRoleId(single, fn)).flatMap((s) =>
        asArray(s.Action),
      );
      expect(
        [...new Set(hubActions)].filter((a) => !singleActions.includes(a)),
        fn,
      ).toEqual(["sts:AssumeRole"]);
    }
  });
});

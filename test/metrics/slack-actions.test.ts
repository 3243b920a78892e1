/**
 * What the Slack buttons' endpoint counts: requests refused before a click is believed (EventsDropped by a
 * `slack-` reason: bad signature, replay, bad request), clicks from another workspace or while the bot's cannot be
 * confirmed, clicks of people who are no approver, clicks on a button that no longer acts (stale), and a person's rollback, counted as RollbackDecisions through the same metered
 * runner as the automatic path.
 */
import { ECSClient } from "@aws-sdk/client-ecs";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config.js";
import { buildActionService } from "../../src/app/slack-action-service.js";
import { buildSlackActionsHandler } from "../../src/app/slack-actions.js";
import { meteredActionService, meteredApproverCheck } from "../../src/shared/metrics/slack-actions.js";
import type { SlackApi } from "../../src/shared/notify/slack-app/api-port.js";
import { memoryActionStore } from "../../src/shared/slack-actions/memory-store.js";
import type { ActionService } from "../../src/shared/slack-actions/service.js";
import type { ActionDecision } from "../../src/shared/slack-actions/types.js";
import { DEPLOYED_AT, failedManualDeployment, NEW_ID, SERVICE_ARN } from "../scenarios/support/ecs-world.js";
import {
  fixturePayload,
  NOW_SECONDS,
  recordingLog,
  recordingPorts,
  SECRET,
} from "../slack-actions/helpers.js";
import { signSlackRequest, slackFormBody } from "../support/slack-signing.js";
import { countingMetrics } from "./support.js";

/** A Function URL request (payload format 2.0) to /slack/actions. */
function urlEvent(body: string, headers: Record<string, string>, method = "POST"): LambdaFunctionURLEvent {
  return {
    rawPath: "/slack/actions",
    headers,
    requestContext: { http: { method } },
    body,
    isBase64Encoded: false,
  } as unknown as LambdaFunctionURLEvent;
}

function meteredLambda() {
  const metrics = countingMetrics();
  const ports = recordingPorts({ reply: "Rolling back api…", execute: { claimId: "claim-7" } });
  const handler = buildSlackActionsHandler({ ...ports.deps, execute: async () => {}, metrics });
  return { handler, metrics, ports };
}

const dropped = (metrics: ReturnType<typeof countingMetrics>) =>
  metrics.counted.filter((c) => c.name === "EventsDropped").map((c) => c.dimensions.reason);

describe("the slackActions Lambda's refused requests", () => {
  it("counts a forged request as a dropped event of reason slack-bad-signature", async () => {
    const { handler, metrics } = meteredLambda();
    const body = slackFormBody(fixturePayload());

    const result = await handler(urlEvent(body, signSlackRequest(body, "f".repeat(32), NOW_SECONDS)));

    expect(result?.statusCode).toBe(401);
    expect(dropped(metrics)).toEqual(["slack-bad-signature"]);
  });

  it("counts a correctly signed request replayed ten minutes later as slack-replay", async () => {
    const { handler, metrics } = meteredLambda();
    const body = slackFormBody(fixturePayload());

    const result = await handler(urlEvent(body, signSlackRequest(body, SECRET, NOW_SECONDS - 600)));

    expect(result?.statusCode).toBe(401);
    expect(dropped(metrics)).toEqual(["slack-replay"]);
  });

  it("counts a GET and a signed body that is no Slack payload as slack-bad-request", async () => {
    const { handler, metrics } = meteredLambda();
    const garbage = "payload=%7Bnot-json";

    const get = await handler(urlEvent("", {}, "GET"));
    const malformed = await handler(urlEvent(garbage, signSlackRequest(garbage, SECRET, NOW_SECONDS)));

    expect([get?.statusCode, malformed?.statusCode]).toEqual([405, 400]);
    expect(dropped(metrics)).toEqual(["slack-bad-request", "slack-bad-request"]);
  });

  it("counts nothing for a click it verified and answered", async () => {
    const { handler, metrics, ports } = meteredLambda();
    const body = slackFormBody(fixturePayload());

    const result = await handler(urlEvent(body, signSlackRequest(body, SECRET, NOW_SECONDS)));

    expect(result?.statusCode).toBe(200);
    expect(ports.clicks).toHaveLength(1);
    expect(metrics.counted).toEqual([]);
  });
});

describe("meteredApproverCheck", () => {
  it("counts a click of someone who is no approver as slack-unauthorized, and an approver's as nothing", async () => {
    const metrics = countingMetrics();
    const isApprover = meteredApproverCheck(async (user) => user === "U0APPROVER", metrics);

    const stranger = await isApprover("U0STRANGER", SERVICE_ARN);
    const approver = await isApprover("U0APPROVER", SERVICE_ARN);

    expect([stranger, approver]).toEqual([false, true]);
    expect(dropped(metrics)).toEqual(["slack-unauthorized"]);
  });
});

const CLICK = { kind: "rollback" as const, userId: "U0APPROVER", channel: "C0ALERTS01", messageTs: "1.2" };

/** An action service that answers each click with the next of `decisions`. */
const answering = (decisions: ActionDecision[]): ActionService => ({
  decide: async () => decisions.shift() ?? { reply: "" },
  execute: async () => {},
});

describe("meteredActionService", () => {
  it("counts a click whose button no longer acts as slack-stale, and any other decision as nothing", async () => {
    const metrics = countingMetrics();
    const decisions = [
      { reply: "This button is not valid any more: nothing was done.", stale: true as const },
      { reply: "Rolling back api…", execute: { claimId: "claim-7" } },
      { reply: "Not allowed: <@U0STRANGER> is not an approver for api" },
    ];
    const service = meteredActionService(answering(decisions), metrics);

    for (let i = 0; i < 3; i++) await service.decide(CLICK);

    expect(dropped(metrics)).toEqual(["slack-stale"]);
  });

  it("counts a click refused for its workspace as slack-other-workspace or slack-workspace-unconfirmed", async () => {
    const metrics = countingMetrics();
    const decisions = [
      {
        reply: "This button belongs to another Slack workspace: nothing was done.",
        refused: "other-workspace" as const,
      },
      { reply: "Slack could not confirm …", refused: "workspace-unconfirmed" as const },
    ];
    const service = meteredActionService(answering(decisions), metrics);

    for (let i = 0; i < 2; i++) await service.decide(CLICK);

    expect(dropped(metrics)).toEqual(["slack-other-workspace", "slack-workspace-unconfirmed"]);
  });
});

describe("a rollback from a Slack button", () => {
  const ecsMock = mockClient(ECSClient);

  /** Slack's Web API as app mode uses it: every post and edit accepted; the bot is in workspace T0OURTEAM1. */
  const slackApi: SlackApi = {
    postMessage: async (request) => ({ channel: request.channel, ts: "1725987000.000300" }),
    update: async (request) => ({ channel: request.channel, ts: request.ts }),
    authTest: async () => ({ teamId: "T0OURTEAM1", isEnterpriseInstall: false }),
  };

  async function clickedRollback(user: string, teamId?: string) {
    const world = failedManualDeployment(ecsMock);
    const metrics = countingMetrics();
    const store = memoryActionStore();
    const now = DEPLOYED_AT.getTime() + 10 * 60_000;
    await store.recordOffer({
      channel: "C0ALERTS01",
      ts: "1725987000.000200",
      actions: [{ kind: "rollback", subject: { serviceArn: SERVICE_ARN, deploymentId: NEW_ID } }],
      at: now - 60_000,
    });
    const config = loadConfig({
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_CHANNEL: "C0ALERTS01",
      SLACK_APPROVERS: "U0APPROVER",
    });
    const service = buildActionService(
      config,
      { log: recordingLog(), deadline: () => 30_000, metrics },
      { ecs: new ECSClient({ region: "us-west-2" }), store, slackApi, clock: () => now },
    );

    const decision = await service.decide(rollbackClick(user, teamId));
    if (decision.execute) await service.execute(decision.execute);
    return { metrics, world, service };
  }

  const rollbackClick = (user: string, teamId = "T0OURTEAM1") => ({
    kind: "rollback" as const,
    userId: user,
    teamId,
    channel: "C0ALERTS01",
    messageTs: "1725987000.000200",
  });

  it("counts the person's rollback as a RollbackDecision, like the automatic path's", async () => {
    const { metrics, world } = await clickedRollback("U0APPROVER");

    expect(world.mutations()).toHaveLength(1);
    expect(metrics.counted.filter((c) => c.name === "RollbackDecisions")).toEqual([
      { name: "RollbackDecisions", dimensions: { outcome: "rolled-back", reason: "rollback" }, value: 1 },
    ]);
  });

  it("counts a second click on the rolled-back deployment and a click on an unknown message as slack-stale", async () => {
    const { metrics, world, service } = await clickedRollback("U0APPROVER");

    const late = await service.decide(rollbackClick("U0APPROVER"));
    const unknown = await service.decide({ ...rollbackClick("U0APPROVER"), messageTs: "1725987000.999999" });

    expect([late.execute, unknown.execute]).toEqual([undefined, undefined]);
    expect(world.mutations()).toHaveLength(1);
    expect(dropped(metrics)).toEqual(["slack-stale", "slack-stale"]);
  });

  it("counts an approver's click from another workspace as slack-other-workspace, and no rollback decision", async () => {
    const { metrics, world } = await clickedRollback("U0APPROVER", "T0THEIRS01");

    expect(world.mutations()).toEqual([]);
    expect(dropped(metrics)).toEqual(["slack-other-workspace"]);
    expect(metrics.counted.filter((c) => c.name === "RollbackDecisions")).toEqual([]);
  });

  it("counts a stranger's click as slack-unauthorized, and no rollback decision", async () => {
    const { metrics, world } = await clickedRollback("U0STRANGER");

    expect(world.mutations()).toEqual([]);
    expect(dropped(metrics)).toEqual(["slack-unauthorized"]);
    expect(metrics.counted.filter((c) => c.name === "RollbackDecisions")).toEqual([]);
  });
});

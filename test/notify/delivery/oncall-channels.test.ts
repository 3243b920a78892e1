/**
 * PagerDuty, Teams and Amazon Q Developer as channels of the one pipeline: what each is given, each channel's
 * delivery claimed once (a retry re-sends only what failed), and the dry run that renders them all.
 */
import { describe, expect, it } from "vitest";
import type { NotifyOutcome } from "../../../src/shared/notify/outcomes.js";
import { pagerDutyDedupKey } from "../../../src/shared/notify/pagerduty/event.js";
import { deploymentProblemKey } from "../../../src/shared/notify/problems/keys.js";
import { chatbotThreadId } from "../../../src/shared/notify/render/chatbot.js";
import { teamsPayload } from "../../../src/shared/notify/render/teams-card.js";
import type { ThreadMeta } from "../../../src/shared/notify/threads/types.js";
import { DeliveryError } from "../../../src/shared/notify/transports/errors.js";
import {
  deploymentMessage,
  oncallHarness,
  SERVICE_ARN,
  stopMessage,
  stopMeta,
  THROTTLE_KEY,
} from "./oncall-harness.js";

const INCIDENT_THREAD = "incident#prod#service:api#out-of-memory";
const DEPLOYMENT_THREAD = `deployment#${SERVICE_ARN}#ecs-svc/1`;
/** A stop joins its deployment's Slack thread if there is one, else opens its incident's thread. */
const STOP_THREAD: ThreadMeta = {
  key: DEPLOYMENT_THREAD,
  joinOnly: true,
  fallback: { key: INCIDENT_THREAD, incident: true },
};

async function rejectionOf(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(error)}`);
  return error;
}

describe("what Teams and Amazon Q Developer are given", () => {
  it("posts the message's Adaptive Card to Teams", async () => {
    const h = oncallHarness();
    const message = stopMessage();

    await h.service.notify(message, stopMeta(1));

    expect(h.sent.teams).toEqual([teamsPayload(message)]);
  });

  it("threads Amazon Q Developer by the incident a stop would open, not the deployment thread it only joins", async () => {
    const h = oncallHarness();

    await h.service.notify(stopMessage(), { ...stopMeta(1), thread: STOP_THREAD });

    expect(h.sent.chatbot[0]?.metadata?.threadId).toBe(chatbotThreadId(INCIDENT_THREAD));
  });

  it("threads Amazon Q Developer by the deployment thread a deployment message opens", async () => {
    const h = oncallHarness();

    await h.service.notify(deploymentMessage(), {
      dedupeKey: "d1",
      serviceArn: SERVICE_ARN,
      thread: { key: DEPLOYMENT_THREAD },
    });

    expect(h.sent.chatbot[0]?.metadata?.threadId).toBe(chatbotThreadId(DEPLOYMENT_THREAD));
  });

  it("threads Amazon Q Developer by the problem when the message has no conversation", async () => {
    const h = oncallHarness();
    const problem = deploymentProblemKey(SERVICE_ARN);

    await h.service.notify(deploymentMessage(), {
      dedupeKey: "d1",
      serviceArn: SERVICE_ARN,
      problem: { key: problem },
    });

    expect(h.sent.chatbot[0]?.metadata?.threadId).toBe(chatbotThreadId(problem));
  });
});

describe("each channel's delivery is claimed once", () => {
  it("fails the event for PagerDuty alone and re-sends only to PagerDuty on the retry", async () => {
    // Arrange
    const h = oncallHarness();
    h.failNext.pagerduty = 1;

    // Act
    const error = await rejectionOf(h.service.notify(stopMessage(), stopMeta(1)));
    const retry = await h.service.notify(stopMessage(), stopMeta(1));

    // Assert
    expect(error.failedChannels).toEqual(["pagerduty"]);
    expect((error.outcome as NotifyOutcome).channels).toMatchObject({
      slack: { status: "sent" },
      email: { status: "sent" },
      pagerduty: { status: "failed", error: "Error: pagerduty answered HTTP 503" },
      teams: { status: "sent" },
      chatbot: { status: "sent" },
    });
    expect(retry.channels).toEqual({
      slack: { status: "skipped", reason: "duplicate" },
      email: { status: "skipped", reason: "duplicate" },
      pagerduty: { status: "sent" },
      teams: { status: "skipped", reason: "duplicate" },
      chatbot: { status: "skipped", reason: "duplicate" },
    });
    expect([h.sent.slack, h.sent.email, h.sent.teams, h.sent.chatbot].map((sent) => sent.length)).toEqual([
      1, 1, 1, 1,
    ]);
    expect(h.sent.triggers).toHaveLength(1);
    expect(h.problems.open().map((problem) => problem.key)).toEqual([`flood:${THROTTLE_KEY}`]);
  });

  it("opens no problem when the trigger failed", async () => {
    const h = oncallHarness();
    h.failNext.pagerduty = 1;

    await rejectionOf(h.service.notify(stopMessage(), stopMeta(1)));

    expect(h.problems.open()).toEqual([]);
  });

  it("re-sends only Teams and Amazon Q Developer when they failed, and PagerDuty is not paged twice", async () => {
    const h = oncallHarness();
    h.failNext.teams = 1;
    h.failNext.chatbot = 1;

    const error = await rejectionOf(h.service.notify(stopMessage(), stopMeta(1)));
    const retry = await h.service.notify(stopMessage(), stopMeta(1));

    expect(error.failedChannels.sort()).toEqual(["chatbot", "teams"]);
    expect(retry.channels.pagerduty).toEqual({ status: "skipped", reason: "duplicate" });
    expect(retry.channels.teams).toEqual({ status: "sent" });
    expect(retry.channels.chatbot).toEqual({ status: "sent" });
    expect(h.sent.triggers).toHaveLength(1);
    expect(h.sent.teams).toHaveLength(1);
    expect(h.sent.chatbot).toHaveLength(1);
  });

  it("pages once for a flood whose first trigger failed: by the retry, not by the copies counted meanwhile", async () => {
    // Arrange
    const h = oncallHarness();
    h.failNext.pagerduty = 1;
    await rejectionOf(h.service.notify(stopMessage(), stopMeta(1)));

    // Act
    const copy = await h.service.notify(stopMessage(), stopMeta(2));
    const retry = await h.service.notify(stopMessage(), stopMeta(1));

    // Assert
    expect(copy.channels.pagerduty).toEqual({ status: "skipped", reason: "throttled" });
    expect(retry.channels.pagerduty).toEqual({ status: "sent" });
    expect(h.sent.triggers).toHaveLength(1);
  });
});

describe("dry run", () => {
  it("renders every channel's payload and sends nothing, writing no state", async () => {
    // Arrange
    const h = oncallHarness({ dryRun: true });
    const message = stopMessage();

    // Act
    const outcome = await h.service.notify(message, { ...stopMeta(1), thread: STOP_THREAD });

    // Assert
    expect(outcome.channels.slack).toEqual({
      status: "dry-run",
      payload: { text: message.title, blocks: [] },
    });
    expect(outcome.channels.email).toEqual({
      status: "dry-run",
      payload: { subject: message.title, body: message.cause, attributes: { severity: "critical" } },
    });
    expect(outcome.channels.pagerduty).toMatchObject({
      status: "dry-run",
      payload: {
        routing_key: "(PAGERDUTY_ROUTING_KEY)",
        event_action: "trigger",
        dedup_key: pagerDutyDedupKey([`flood:${THROTTLE_KEY}`]),
        payload: { summary: expect.stringContaining("ran out of memory"), severity: "critical" },
      },
    });
    expect(outcome.channels.teams).toEqual({ status: "dry-run", payload: teamsPayload(message) });
    expect(outcome.channels.chatbot).toMatchObject({
      status: "dry-run",
      payload: { version: "1.0", source: "custom", metadata: { threadId: chatbotThreadId(INCIDENT_THREAD) } },
    });
    expect(Object.values(h.sent).map((sent) => sent.length)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(h.store.operations).toBe(0);
    expect(h.problems.open()).toEqual([]);
  });

  it("renders the end of a problem as PagerDuty's resolve, under the same dedup key as its trigger", async () => {
    const h = oncallHarness({ dryRun: true });
    const problem = deploymentProblemKey(SERVICE_ARN);

    const outcome = await h.service.notify(deploymentMessage({ severity: "info" }), {
      dedupeKey: "d2",
      serviceArn: SERVICE_ARN,
      problem: { key: problem, resolve: true },
    });

    expect(outcome.channels.pagerduty).toEqual({
      status: "dry-run",
      payload: {
        routing_key: "(PAGERDUTY_ROUTING_KEY)",
        event_action: "resolve",
        dedup_key: pagerDutyDedupKey([problem]),
      },
    });
    expect(outcome.channels.teams).toEqual({ status: "skipped", reason: "routed-out" });
  });

  it("renders nothing for PagerDuty when the message belongs to no problem", async () => {
    const h = oncallHarness({ dryRun: true });

    const outcome = await h.service.notify(deploymentMessage(), { dedupeKey: "d1", serviceArn: SERVICE_ARN });

    expect(outcome.channels.pagerduty).toEqual({ status: "skipped", reason: "routed-out" });
    expect(outcome.channels.teams).toMatchObject({ status: "dry-run" });
  });
});

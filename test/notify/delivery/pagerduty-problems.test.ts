/**
 * PagerDuty in the notification pipeline (send.ts, deliver-once.ts, send-digest.ts, digest-sweep.ts): one incident
 * per problem, opened by its first trigger, kept alive by the flood it stands for, and resolved when it is over.
 */
import { describe, expect, it } from "vitest";
import { deploymentProblemKey } from "../../../src/shared/notify/problems/keys.js";
import {
  deploymentMessage,
  MINUTE,
  oncallHarness,
  SERVICE_ARN,
  stopMessage,
  stopMeta,
  T0,
  THROTTLE_KEY,
  WINDOW,
} from "./oncall-harness.js";

const FLOOD_PROBLEM = `flood:${THROTTLE_KEY}`;
const DEPLOYMENT_PROBLEM = deploymentProblemKey(SERVICE_ARN);

describe("a critical stop pages PagerDuty under its flood group", () => {
  it("triggers the incident of flood:<throttleKey> and opens that problem, quiet after the flood window", async () => {
    // Arrange
    const h = oncallHarness();

    // Act
    const outcome = await h.service.notify(stopMessage(), stopMeta(1));

    // Assert
    expect(outcome.channels.pagerduty).toEqual({ status: "sent" });
    expect(h.sent.triggers).toEqual([{ problemKey: FLOOD_PROBLEM, title: stopMessage().title }]);
    expect(h.problems.open()).toEqual([
      { key: FLOOD_PROBLEM, openedAt: T0, lastSeenAt: T0, quietAfterMs: WINDOW },
    ]);
  });

  it("does not trigger again for the flood-controlled copies, but keeps the problem from going quiet", async () => {
    // Arrange
    const h = oncallHarness();
    await h.service.notify(stopMessage(), stopMeta(1, T0));

    // Act: two more stops of the same group within the window.
    h.setNow(T0 + 3 * MINUTE);
    const second = await h.service.notify(stopMessage(), stopMeta(2, T0 + 2 * MINUTE));
    const third = await h.service.notify(stopMessage(), stopMeta(3, T0 + 3 * MINUTE));

    // Assert
    expect(second.channels.pagerduty).toEqual({ status: "skipped", reason: "throttled" });
    expect(third.channels.pagerduty).toEqual({ status: "skipped", reason: "throttled" });
    expect(h.sent.triggers).toHaveLength(1);
    expect(h.problems.open()).toEqual([
      { key: FLOOD_PROBLEM, openedAt: T0, lastSeenAt: T0 + 3 * MINUTE, quietAfterMs: WINDOW },
    ]);
  });

  it("does not page for a warning stop (PagerDuty's minimum is critical) and opens no problem", async () => {
    const h = oncallHarness();

    const outcome = await h.service.notify(stopMessage({ severity: "warning" }), stopMeta(1));

    expect(outcome.channels.pagerduty).toEqual({ status: "skipped", reason: "routed-out" });
    expect(h.sent.triggers).toEqual([]);
    expect(h.problems.open()).toEqual([]);
  });

  it("does not page for a stop without a flood-control key: nothing would resolve its incident", async () => {
    const h = oncallHarness();

    const outcome = await h.service.notify(stopMessage(), { dedupeKey: "task/1", serviceArn: SERVICE_ARN });

    expect(outcome.channels.pagerduty).toEqual({ status: "skipped", reason: "routed-out" });
    expect(outcome.channels.slack).toEqual({ status: "sent" });
    expect(h.sent.triggers).toEqual([]);
  });
});

describe("messages of a problem the flow names", () => {
  it("never pages for a deployment message without a problem, and still sends it to the other channels", async () => {
    const h = oncallHarness();

    const outcome = await h.service.notify(deploymentMessage(), { dedupeKey: "d1", serviceArn: SERVICE_ARN });

    expect(outcome.channels).toEqual({
      slack: { status: "sent" },
      email: { status: "sent" },
      pagerduty: { status: "skipped", reason: "routed-out" },
      teams: { status: "sent" },
      chatbot: { status: "sent" },
    });
    expect(h.sent.triggers).toEqual([]);
  });

  it("pages for a failed deployment under its problem, which only a resolve closes", async () => {
    const h = oncallHarness();

    await h.service.notify(deploymentMessage(), {
      dedupeKey: "d1",
      serviceArn: SERVICE_ARN,
      occurredAt: T0,
      problem: { key: DEPLOYMENT_PROBLEM },
    });

    expect(h.sent.triggers).toEqual([{ problemKey: DEPLOYMENT_PROBLEM, title: deploymentMessage().title }]);
    expect(h.problems.open()).toEqual([{ key: DEPLOYMENT_PROBLEM, openedAt: T0, lastSeenAt: T0 }]);
  });

  it("resolves an open problem with the message that ends it, whatever that message's severity", async () => {
    // Arrange
    const h = oncallHarness();
    await h.service.notify(deploymentMessage(), {
      dedupeKey: "d1",
      serviceArn: SERVICE_ARN,
      problem: { key: DEPLOYMENT_PROBLEM },
    });
    const completed = deploymentMessage({
      severity: "info",
      category: "SERVICE_DEPLOYMENT_COMPLETED",
      title: "api: rollback deployment ecs-svc/2 completed",
    });

    // Act
    const outcome = await h.service.notify(completed, {
      dedupeKey: "d2",
      serviceArn: SERVICE_ARN,
      problem: { key: DEPLOYMENT_PROBLEM, resolve: true },
    });

    // Assert
    expect(outcome.channels.pagerduty).toEqual({ status: "sent" });
    expect(outcome.channels.slack).toEqual({ status: "skipped", reason: "routed-out" });
    expect(h.sent.resolves).toEqual([DEPLOYMENT_PROBLEM]);
    expect(await h.problems.isOpen(DEPLOYMENT_PROBLEM)).toBe(false);
  });

  it("sends nothing to PagerDuty for the end of a problem that is not open", async () => {
    const h = oncallHarness();

    await h.service.notify(
      deploymentMessage({ severity: "info", category: "SERVICE_DEPLOYMENT_COMPLETED" }),
      {
        dedupeKey: "d2",
        serviceArn: SERVICE_ARN,
        problem: { key: DEPLOYMENT_PROBLEM, resolve: true },
      },
    );

    expect(h.sent.resolves).toEqual([]);
    expect(h.sent.triggers).toEqual([]);
  });

  it("resolves a problem once, however many copies of the message that ends it arrive", async () => {
    const h = oncallHarness();
    await h.service.notify(deploymentMessage(), {
      dedupeKey: "d1",
      serviceArn: SERVICE_ARN,
      problem: { key: DEPLOYMENT_PROBLEM },
    });
    const end = {
      dedupeKey: "d2",
      serviceArn: SERVICE_ARN,
      problem: { key: DEPLOYMENT_PROBLEM, resolve: true },
    };

    await h.service.notify(deploymentMessage({ severity: "info" }), end);
    const copy = await h.service.notify(deploymentMessage({ severity: "info" }), end);

    expect(copy.channels.pagerduty).toEqual({ status: "skipped", reason: "duplicate" });
    expect(h.sent.resolves).toEqual([DEPLOYMENT_PROBLEM]);
  });
});

describe("digests and the sweep", () => {
  it("never sends a digest to PagerDuty: the first stop already opened the incident", async () => {
    // Arrange: three critical stops in one window; the last two are counted.
    const h = oncallHarness();
    for (const n of [1, 2, 3]) await h.service.notify(stopMessage(), stopMeta(n, T0 + n * MINUTE));

    // Act: the window has ended.
    h.setNow(T0 + WINDOW + 2 * MINUTE);
    const sweep = await h.service.sweepDigests();

    // Assert
    expect(sweep.digests).toHaveLength(1);
    expect(sweep.digests[0]?.count).toBe(2);
    expect(sweep.digests[0]?.channels.pagerduty).toEqual({ status: "skipped", reason: "routed-out" });
    expect(sweep.digests[0]?.channels.slack).toEqual({ status: "sent" });
    expect(h.sent.slack).toHaveLength(2);
    expect(h.sent.triggers).toHaveLength(1);
  });

  it("resolves the problems that went quiet and leaves the others open", async () => {
    // Arrange: a flood quiet since T0+1m, a flood seen at T0+5m, and a failed deployment (no quiet period).
    const h = oncallHarness();
    await h.service.notify(stopMessage(), stopMeta(1, T0 + MINUTE));
    const busy = { ...stopMeta(2, T0 + 5 * MINUTE), throttleKey: "prod#service:web#app-exit" };
    h.setNow(T0 + 5 * MINUTE);
    await h.service.notify(stopMessage({ category: "app-exit", service: "web" }), busy);
    await h.service.notify(deploymentMessage(), {
      dedupeKey: "d1",
      serviceArn: SERVICE_ARN,
      problem: { key: DEPLOYMENT_PROBLEM },
    });

    // Act: one window after the first flood's last stop.
    h.setNow(T0 + MINUTE + WINDOW);
    const sweep = await h.service.sweepDigests();

    // Assert
    expect(sweep.resolved).toEqual([FLOOD_PROBLEM]);
    expect(h.sent.resolves).toEqual([FLOOD_PROBLEM]);
    expect(h.problems.open().map((problem) => problem.key)).toEqual([
      "flood:prod#service:web#app-exit",
      DEPLOYMENT_PROBLEM,
    ]);
  });

  it("leaves a quiet problem open for the next sweep when PagerDuty fails to resolve it", async () => {
    const h = oncallHarness();
    await h.service.notify(stopMessage(), stopMeta(1, T0));
    h.setNow(T0 + WINDOW);
    h.failNext.pagerduty = 1;

    const first = await h.service.sweepDigests();
    const second = await h.service.sweepDigests();

    expect(first.resolved).toEqual([]);
    expect(second.resolved).toEqual([FLOOD_PROBLEM]);
    expect(h.logger.text()).toContain("Could not resolve a quiet incident");
  });
});

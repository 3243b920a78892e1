import type { Deployment } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import {
  deploymentCard,
  deploymentCardPatch,
  deploymentThreadKey,
  deploymentThreadKeyOf,
  eventTime,
  rollbackInitiator,
} from "../../src/shared/deployments/card.js";
import { parseEcsEvent } from "../../src/shared/events/index.js";
import type { DeploymentStateChangeEvent } from "../../src/shared/events/parse.js";
import type { Fact } from "../../src/shared/notify/message.js";
import { newDeployment, oldDeployment, reviewOf, SERVICE_ARN, td } from "./card-fixtures.js";
import { adaptedDeployment, deploymentFixture, rawFixture } from "./fixtures.js";

const IN_PROGRESS = "deployment-in-progress.doc.json";
const COMPLETED = "deployment-completed.doc.json";
const FAILED = "deployment-failed.doc.json";
const ROLLBACK = "deployment-in-progress-rollback.doc.json";
/** The doc examples' EventBridge `time`. */
const EVENT_MS = Date.parse("2020-05-23T12:31:14Z");
/** The doc rollback example names the placeholder "deploymentID"; real events name the deployment. */
const CIRCUIT_BREAKER_ROLLBACK = "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/122.";

const factsOf = (facts: readonly Fact[] | undefined) =>
  Object.fromEntries((facts ?? []).map((f) => [f.label, f.value]));
const labels = (facts: readonly Fact[]) => facts.map((f) => f.label);

/** The rollback deployment ecs-svc/123 returning to web:41 while the failed ecs-svc/124 (web:42) drains. */
function rollbackReview() {
  return reviewOf({
    deployments: [
      newDeployment({
        taskDefinition: td(41),
        runningCount: 2,
        desiredCount: 3,
        pendingCount: 1,
        failedTasks: 4,
      }),
      oldDeployment({
        id: "ecs-svc/124",
        status: "ACTIVE",
        rolloutState: "FAILED",
        taskDefinition: td(42),
        createdAt: new Date("2020-05-23T10:50:00.000Z"),
      }),
    ],
  });
}

describe("deploymentThreadKey", () => {
  it("keys a deployment's thread by service ARN and deployment id", () => {
    expect(deploymentThreadKey(SERVICE_ARN, "ecs-svc/123")).toBe(`deployment#${SERVICE_ARN}#ecs-svc/123`);
  });

  it("reads the key from the event's service ARN and deploymentId", () => {
    expect(deploymentThreadKeyOf(deploymentFixture(IN_PROGRESS))).toBe(
      `deployment#${SERVICE_ARN}#ecs-svc/123`,
    );
  });

  it("has no key for an event that names no deployment (deploymentId removed)", () => {
    const raw = rawFixture(IN_PROGRESS);
    const { deploymentId: _, ...detail } = raw.detail as Record<string, unknown>;
    const event = parseEcsEvent({ ...raw, detail }) as DeploymentStateChangeEvent;

    expect(deploymentThreadKeyOf(event)).toBeUndefined();
  });

  it("has no key for an event without a service ARN (resources emptied)", () => {
    const event = parseEcsEvent({ ...rawFixture(IN_PROGRESS), resources: [] }) as DeploymentStateChangeEvent;

    expect(deploymentThreadKeyOf(event)).toBeUndefined();
  });
});

describe("deploymentCard: the opening card", () => {
  it("opens an in-progress deployment with every fact the review knows, in the card's order", () => {
    const card = deploymentCard(deploymentFixture(IN_PROGRESS), reviewOf());

    expect(card).toMatchObject({
      kind: "deployment",
      category: "SERVICE_DEPLOYMENT_IN_PROGRESS",
      severity: "info",
      title: "servicetest: deployment to web:42",
      service: "servicetest",
      cluster: "default",
      account: "111122223333",
      region: "us-west-2",
      time: "2020-05-23T12:31:14Z",
    });
    expect(card.facts).toEqual([
      { label: "Service", value: "servicetest" },
      { label: "Cluster", value: "default" },
      { label: "Revision", value: "web:41 → web:42" },
      { label: "Images", value: "web: 1.4.2, log-router: sha256:5e7fd2b0a1c0" },
      { label: "Strategy", value: "ECS, min healthy 100%, max 200%" },
      { label: "Started", value: "2020-05-23 11:05:00 UTC" },
      { label: "Tasks", value: "1/3, 2 pending" },
      { label: "Circuit breaker", value: "on, rolls back" },
      { label: "Deployment", value: "ecs-svc/123" },
    ]);
  });

  it("names the deployment id in the title and shows only the event's facts without a review", () => {
    const card = deploymentCard(deploymentFixture(IN_PROGRESS));

    expect(card.title).toBe("servicetest: deployment ecs-svc/123");
    expect(card.facts).toEqual([
      { label: "Service", value: "servicetest" },
      { label: "Cluster", value: "default" },
      { label: "Deployment", value: "ecs-svc/123" },
    ]);
  });

  it("opens with a failed deployment (its start was missed) as critical; the reason and what to do are left to the reply", () => {
    const card = deploymentCard(
      deploymentFixture(FAILED),
      reviewOf({ deployments: [newDeployment({ rolloutState: "FAILED", failedTasks: 3 }), oldDeployment()] }),
    );

    expect(card).toMatchObject({
      severity: "critical",
      category: "SERVICE_DEPLOYMENT_FAILED",
      title: "servicetest: deployment to web:42",
    });
    // The card stays true as the story goes on: one event's cause, reason and steps are that event's reply.
    expect(card).toMatchObject({ cause: "", reason: undefined, evidence: [], remediation: [] });
    expect(factsOf(card.facts).Tasks).toBe("1/3, 2 pending, 3 failed");
    expect(factsOf(card.facts)["Failed tasks"]).toBeUndefined();
  });

  it("opens with a completed deployment (its start was missed) as info; the drained old one is not guessed", () => {
    const card = deploymentCard(
      deploymentFixture(COMPLETED),
      reviewOf({
        deployments: [newDeployment({ rolloutState: "COMPLETED", runningCount: 3, pendingCount: 0 })],
      }),
    );

    expect(card).toMatchObject({ severity: "info", category: "SERVICE_DEPLOYMENT_COMPLETED" });
    expect(card.cause).toBe("");
    expect(factsOf(card.facts)).toMatchObject({ Revision: "web:42", Tasks: "3/3" });
  });

  it("opens with a circuit-breaker rollback as a warning titled with where it goes (reason adapted: a real id)", () => {
    const event = adaptedDeployment(ROLLBACK, { reason: CIRCUIT_BREAKER_ROLLBACK });

    const card = deploymentCard(event);

    expect(card).toMatchObject({ severity: "warning", title: "servicetest: rollback to ecs-svc/122" });
  });

  it("titles a rollback with the revision it returns to when the review knows it", () => {
    const event = adaptedDeployment(ROLLBACK, { reason: CIRCUIT_BREAKER_ROLLBACK });

    const card = deploymentCard(event, rollbackReview());

    expect(card.title).toBe("servicetest: rollback to web:41");
    expect(factsOf(card.facts).Revision).toBe("web:42 → web:41");
  });

  it("titles a rollback by its own id when ECS names no target (the docs' placeholder)", () => {
    expect(deploymentCard(deploymentFixture(ROLLBACK)).title).toBe("servicetest: rollback ecs-svc/123");
  });

  it("opens with an event name ECS may add later by its eventType (adapted)", () => {
    const event = adaptedDeployment(IN_PROGRESS, {
      eventName: "SERVICE_DEPLOYMENT_PAUSED",
      eventType: "WARN",
    });

    const card = deploymentCard(event);

    expect(card).toMatchObject({ severity: "warning", category: "SERVICE_DEPLOYMENT_PAUSED" });
  });

  it("keeps a hostile image reference to one line of at most 200 characters", () => {
    const image = `evil/web:${"x".repeat(300)}\n<!channel>`;
    const card = deploymentCard(
      deploymentFixture(IN_PROGRESS),
      reviewOf({}, { containerDefinitions: [{ name: "web", image }] }),
    );

    const images = factsOf(card.facts).Images ?? "";
    expect(images.length).toBeLessThanOrEqual(200);
    expect(images).not.toContain("\n");
    expect(images.endsWith("…")).toBe(true);
  });

  it("shows an image without tag or digest as the implicit latest", () => {
    const card = deploymentCard(
      deploymentFixture(IN_PROGRESS),
      reviewOf({}, { containerDefinitions: [{ name: "web", image: "nginx" }] }),
    );

    expect(factsOf(card.facts).Images).toBe("web: latest (implicit)");
  });

  it("falls back to the task definition's own family:revision when the deployment is not listed", () => {
    const card = deploymentCard(deploymentFixture(IN_PROGRESS), reviewOf({ deployments: [oldDeployment()] }));

    expect(card.title).toBe("servicetest: deployment to web:42");
  });
});

describe("deploymentCard: the revision it replaces", () => {
  const revision = (deployments: Deployment[]) =>
    factsOf(deploymentCard(deploymentFixture(IN_PROGRESS), reviewOf({ deployments })).facts).Revision;

  it("prefers the completed ACTIVE deployment over another one still in progress", () => {
    const abandoned = oldDeployment({
      id: "ecs-svc/121",
      rolloutState: "IN_PROGRESS",
      taskDefinition: td(40),
      createdAt: new Date("2020-05-22T09:00:00.000Z"),
    });

    expect(revision([newDeployment(), abandoned, oldDeployment()])).toBe("web:41 → web:42");
  });

  it("takes the newest other ACTIVE deployment when none completed", () => {
    const older = oldDeployment({ rolloutState: "IN_PROGRESS", taskDefinition: td(39) });
    const newer = oldDeployment({
      id: "ecs-svc/121",
      rolloutState: "IN_PROGRESS",
      taskDefinition: td(40),
      createdAt: new Date("2020-05-22T09:00:00.000Z"),
    });

    expect(revision([newDeployment(), older, newer])).toBe("web:40 → web:42");
  });

  it("never takes a newer deployment that replaces this one as the old revision", () => {
    const replacing = newDeployment({
      id: "ecs-svc/125",
      status: "PRIMARY",
      taskDefinition: td(43),
      createdAt: new Date("2020-05-23T11:20:00.000Z"),
    });

    expect(revision([replacing, newDeployment({ status: "ACTIVE" })])).toBe("web:42");
  });

  it("falls back to the last completed deployment when no other one is live", () => {
    expect(revision([newDeployment(), oldDeployment({ status: "INACTIVE" })])).toBe("web:41 → web:42");
  });
});

describe("deploymentCard: strategy and circuit breaker", () => {
  const facts = (service: Parameters<typeof reviewOf>[0]) =>
    factsOf(deploymentCard(deploymentFixture(IN_PROGRESS), reviewOf(service)).facts);

  it.each([
    [{ strategy: "ROLLING" as const }, "ECS rolling update, min healthy 100%, max 200%"],
    [
      { strategy: "BLUE_GREEN" as const, bakeTimeInMinutes: 10 },
      "ECS blue/green (bake 10 min), min healthy 100%, max 200%",
    ],
    [
      { strategy: "LINEAR" as const, linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 5 } },
      "ECS linear (10% steps, 5 min apart), min healthy 100%, max 200%",
    ],
    [
      { strategy: "CANARY" as const, canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 15 } },
      "ECS canary (5% first, 15 min bake), min healthy 100%, max 200%",
    ],
  ])("describes the %o strategy the service names", (extra, expected) => {
    const strategy = facts({
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, ...extra },
    }).Strategy;

    expect(strategy).toBe(expected);
  });

  it("names a CodeDeploy controller and shows no circuit breaker, which is ECS's", () => {
    const shown = facts({
      deploymentController: { type: "CODE_DEPLOY" },
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
    });

    expect(shown.Strategy).toBe("CodeDeploy, min healthy 100%, max 200%");
    expect(shown["Circuit breaker"]).toBeUndefined();
  });

  it("shows no strategy or circuit breaker when the service says nothing about them", () => {
    const shown = facts({ deploymentConfiguration: undefined, deploymentController: undefined });

    expect(shown.Strategy).toBeUndefined();
    expect(shown["Circuit breaker"]).toBeUndefined();
  });

  it.each([
    [{ enable: true, rollback: true }, "on, rolls back"],
    [{ enable: true, rollback: false }, "on, no rollback"],
    [{ enable: false, rollback: false }, "off"],
    [undefined, "off"],
  ])("reads circuit breaker %o as %s", (deploymentCircuitBreaker, expected) => {
    const shown = facts({ deploymentConfiguration: { deploymentCircuitBreaker } });

    expect(shown["Circuit breaker"]).toBe(expected);
  });

  it("adds the deployment alarms and whether they roll back", () => {
    const shown = facts({
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        alarms: { alarmNames: ["web-5xx", "web-p99"], enable: true, rollback: false },
      },
    });

    expect(shown["Circuit breaker"]).toBe("on, rolls back; alarms web-5xx, web-p99 (no rollback)");
  });

  it("leaves out alarms that are configured but not enabled", () => {
    const shown = facts({
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: false, rollback: false },
        alarms: { alarmNames: ["web-5xx"], enable: false, rollback: true },
      },
    });

    expect(shown["Circuit breaker"]).toBe("off");
  });
});

describe("eventTime", () => {
  it("dates a patch by the event's EventBridge time", () => {
    expect(eventTime(deploymentFixture(IN_PROGRESS))).toBe(EVENT_MS);
  });

  it("falls back to the deployment's updatedAt when the event has no time (time removed)", () => {
    const { time: _, ...raw } = rawFixture(IN_PROGRESS);
    const event = parseEcsEvent(raw) as DeploymentStateChangeEvent;

    expect(eventTime(event)).toBe(Date.parse("2020-05-23T11:11:11Z"));
  });

  it("dates an event with no readable time as the oldest, so it never overrides anything (adapted)", () => {
    const raw = rawFixture(IN_PROGRESS);
    const event = parseEcsEvent({
      ...raw,
      time: "yesterday",
      detail: { ...(raw.detail as object), updatedAt: undefined },
    }) as DeploymentStateChangeEvent;

    expect(eventTime(event)).toBe(0);
  });
});

describe("rollbackInitiator", () => {
  it.each([
    [CIRCUIT_BREAKER_ROLLBACK, "ECS circuit breaker"],
    ["ECS deployment alarms: rolling back to deploymentId ecs-svc/122.", "CloudWatch alarm"],
    ["rolling back", "ECS"],
    [undefined, "ECS"],
  ])("reads %j as a rollback by %s", (reason, who) => {
    expect(rollbackInitiator(reason)).toBe(who);
  });
});

describe("deploymentCardPatch", () => {
  it("marks an in-progress deployment as such, dated by the event", () => {
    const patch = deploymentCardPatch(deploymentFixture(IN_PROGRESS));

    expect(patch).toEqual({
      at: EVENT_MS,
      state: {
        text: "In progress",
        severity: "info",
        phase: "in-progress",
        whenPhase: {
          "rolling-back": { text: "Rolling back", severity: "warning", phase: "rolling-back" },
          failed: { text: "Rolling back", severity: "warning", phase: "rolling-back" },
        },
      },
    });
  });

  it("updates the tasks from the review, with ECS's failed tasks only when some failed", () => {
    const quiet = deploymentCardPatch(deploymentFixture(IN_PROGRESS), reviewOf());
    const failing = deploymentCardPatch(
      deploymentFixture(IN_PROGRESS),
      reviewOf({ deployments: [newDeployment({ failedTasks: 2 }), oldDeployment()] }),
    );

    expect(quiet.facts).toEqual([{ label: "Tasks", value: "1/3, 2 pending" }]);
    expect(failing.facts).toEqual([{ label: "Tasks", value: "1/3, 2 pending, 2 failed" }]);
  });

  it("keeps a card that is rolling back (ecs-sentinel's UpdateService deployment) reading where it goes", () => {
    const patch = deploymentCardPatch(
      deploymentFixture(IN_PROGRESS),
      reviewOf({
        deployments: [newDeployment({ taskDefinition: td(41) }), oldDeployment({ taskDefinition: td(42) })],
      }),
    );

    expect(patch.state?.whenPhase?.["rolling-back"]).toEqual({
      text: "Rolling back to web:41",
      severity: "warning",
      phase: "rolling-back",
    });
  });

  it("marks a circuit-breaker rollback and names who rolls back to where (reason adapted: a real id)", () => {
    const patch = deploymentCardPatch(adaptedDeployment(ROLLBACK, { reason: CIRCUIT_BREAKER_ROLLBACK }));

    expect(patch).toEqual({
      at: EVENT_MS,
      state: {
        text: "Rolling back (ECS circuit breaker) to ecs-svc/122",
        severity: "warning",
        phase: "rolling-back",
      },
      facts: [{ label: "Rollback", value: "to ecs-svc/122 by ECS circuit breaker" }],
      // No pause waits any more: Continue / Roll back of a pause hook go.
      actions: [],
    });
  });

  it("names a CloudWatch alarm as who rolls back when the reason says so (reason adapted)", () => {
    const event = adaptedDeployment(ROLLBACK, {
      reason: "ECS deployment alarms: rolling back to deploymentId ecs-svc/122.",
    });

    const patch = deploymentCardPatch(event);

    expect(patch.state?.text).toBe("Rolling back (CloudWatch alarm) to ecs-svc/122");
    expect(factsOf(patch.facts).Rollback).toBe("to ecs-svc/122 by CloudWatch alarm");
  });

  it("rolls back without a target when ECS names only its placeholder (the docs' example)", () => {
    const patch = deploymentCardPatch(deploymentFixture(ROLLBACK));

    expect(patch.state).toEqual({
      text: "Rolling back (ECS circuit breaker)",
      severity: "warning",
      phase: "rolling-back",
    });
    expect(factsOf(patch.facts).Rollback).toBe("by ECS circuit breaker");
  });

  it("names the revision a rollback returns to from the review, with the rollback deployment's tasks", () => {
    const event = adaptedDeployment(ROLLBACK, { reason: CIRCUIT_BREAKER_ROLLBACK });

    const patch = deploymentCardPatch(event, rollbackReview());

    expect(patch.state?.text).toBe("Rolling back (ECS circuit breaker) to web:41");
    expect(patch.facts).toEqual([
      { label: "Tasks", value: "2/3, 1 pending, 4 failed" },
      { label: "Rollback", value: "to web:41 by ECS circuit breaker" },
    ]);
  });

  it("ends a deployment as completed, or as rolled back when the card was rolling back or failed", () => {
    const patch = deploymentCardPatch(deploymentFixture(COMPLETED));

    const rolledBack = { text: "Rolled back", severity: "warning", phase: "rolled-back", final: true };
    expect(patch).toEqual({
      at: EVENT_MS,
      state: {
        text: "Completed",
        severity: "info",
        phase: "completed",
        final: true,
        whenPhase: { "rolling-back": rolledBack, failed: rolledBack },
      },
      actions: [],
    });
  });

  it("says which revision a completed rollback returned to when the review knows it", () => {
    const review = reviewOf({
      deployments: [
        newDeployment({
          taskDefinition: td(41),
          rolloutState: "COMPLETED",
          runningCount: 3,
          pendingCount: 0,
        }),
      ],
    });

    const patch = deploymentCardPatch(deploymentFixture(COMPLETED), review);

    expect(patch.state?.whenPhase?.["rolling-back"]?.text).toBe("Rolled back to web:41");
    expect(patch.facts).toEqual([{ label: "Tasks", value: "3/3" }]);
  });

  it("marks a failed deployment critical but not final (a rollback may follow), with ECS's reason", () => {
    const patch = deploymentCardPatch(deploymentFixture(FAILED));

    expect(patch).toEqual({
      at: EVENT_MS,
      state: { text: "Failed", severity: "critical", phase: "failed" },
      facts: [{ label: "Reason", value: "ECS deployment circuit breaker: task failed to start." }],
      actions: [],
    });
  });

  it("shows the failed deployment's tasks and ECS's count of its failed tasks from the review", () => {
    const review = reviewOf({
      deployments: [
        newDeployment({ rolloutState: "FAILED", failedTasks: 5, runningCount: 0 }),
        oldDeployment(),
      ],
    });

    const patch = deploymentCardPatch(deploymentFixture(FAILED), review);

    expect(factsOf(patch.facts)).toEqual({
      Tasks: "0/3, 2 pending, 5 failed",
      Reason: "ECS deployment circuit breaker: task failed to start.",
    });
  });

  it("keeps a hostile failure reason to one line of at most 200 characters (adapted)", () => {
    const event = adaptedDeployment(FAILED, { reason: `alarm <!here>\n${"A".repeat(500)}` });

    const reason = factsOf(deploymentCardPatch(event).facts).Reason ?? "";

    expect(reason.length).toBeLessThanOrEqual(200);
    expect(reason).not.toContain("\n");
    expect(reason.startsWith("alarm <!here> AAA")).toBe(true);
  });

  it("leaves the state alone for an event name ECS may add later, and shows it as the last event (adapted)", () => {
    const event = adaptedDeployment(IN_PROGRESS, {
      eventName: "SERVICE_DEPLOYMENT_PAUSED",
      eventType: "WARN",
      reason: "Paused by a lifecycle hook.",
    });

    const patch = deploymentCardPatch(event);

    expect(patch).toEqual({
      at: EVENT_MS,
      facts: [{ label: "Last event", value: "SERVICE_DEPLOYMENT_PAUSED: Paused by a lifecycle hook." }],
    });
  });

  it("gives every patch the card's labels only, never the opening card's identity facts", () => {
    const patches = [IN_PROGRESS, COMPLETED, FAILED, ROLLBACK].map((f) =>
      deploymentCardPatch(deploymentFixture(f), reviewOf()),
    );

    for (const patch of patches) {
      expect(labels(patch.facts ?? [])).not.toContain("Revision");
      expect(labels(patch.facts ?? [])).not.toContain("Deployment");
      expect(patch.title).toBeUndefined();
    }
  });
});

import { describe, expect, it } from "vitest";
import type { Diagnosis } from "../../src/shared/diagnosis/types.js";
import {
  hookStateCardPatch,
  hookStateMessage,
  type PauseView,
  pauseActions,
  pausedCardPatch,
  pausedMessage,
} from "../../src/shared/hooks/pause.js";
import { DEFAULT_ROUTING, routeMessage } from "../../src/shared/notify/routing.js";

// From the documented HOOK_AWAITING_ACTION event (../shared/ecs-events/hook-state-change-awaiting-action.doc.json).
const VIEW: PauseView = {
  serviceArn: "arn:aws:ecs:us-west-2:123456789012:service/my-cluster/my-service",
  serviceDeploymentArn:
    "arn:aws:ecs:us-west-2:123456789012:service-deployment/my-cluster/my-service/0EYSiB0qap8xf0N76FsbE",
  hookId: "ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw",
  stage: "POST_TEST_TRAFFIC_SHIFT",
  expiresAt: "2026-03-05T16:04:41Z",
  timeoutAction: "ROLLBACK",
  hookStatus: "AWAITING_ACTION",
  deploymentId: "ecs-svc/1234567890123456789",
  taskDefinition: "arn:aws:ecs:us-west-2:123456789012:task-definition/my-app:42",
  tasks: { running: 2, healthy: 2, desired: 2, stopped: [] },
  optedIn: true,
  account: "123456789012",
  region: "us-west-2",
  time: "2026-03-05T15:54:41Z",
};

const OOM: Diagnosis = {
  taskArn: "arn:aws:ecs:us-west-2:123456789012:task/my-cluster/0f1e2d3c",
  category: "out-of-memory",
  subCause: "container-oom",
  severity: "critical",
  title: "Container `web` ran out of memory",
  summary: "The container used more memory than its limit.",
  evidence: [],
  remediation: [],
  docs: [],
  stoppedReason: "OutOfMemoryError: Container killed due to memory usage",
};

describe("a deployment paused by a pause hook", () => {
  it("says what is paused, where, how the new tasks look, and when the pause times out into what", () => {
    const message = pausedMessage(VIEW);

    expect(message.title).toBe(
      "my-service: deployment paused at POST_TEST_TRAFFIC_SHIFT — waiting for a decision",
    );
    expect(message.cause).toContain("If nobody does by 2026-03-05 16:04:41 UTC, then ECS will roll back.");
    expect(message.facts).toEqual([
      { label: "Paused at", value: "POST_TEST_TRAFFIC_SHIFT" },
      { label: "Task definition", value: "my-app:42" },
      { label: "New tasks", value: "2 running · 2 healthy (of 2)" },
      { label: "Times out", value: "2026-03-05 16:04:41 UTC, then ECS will roll back" },
    ]);
    expect(message.severity).toBe("warning");
  });

  it("names the CLI commands to continue or roll back, for email and every channel without buttons", () => {
    const message = pausedMessage(VIEW);

    expect(message.remediation).toEqual(
      expect.arrayContaining([
        "To continue: `ecs-sentinel deployments continue --cluster my-cluster --service my-service`",
        "To roll back: `ecs-sentinel deployments rollback --cluster my-cluster --service my-service`",
      ]),
    );
    expect(message.actions).toBeUndefined();
  });

  it("reaches every channel whatever its severity minimum, because someone must decide in time", () => {
    const decisions = routeMessage(pausedMessage(VIEW), ["slack", "email"], {
      ...DEFAULT_ROUTING,
      slackMinSeverity: "critical",
      emailMinSeverity: "critical",
    });

    expect(decisions).toEqual({ slack: { send: true }, email: { send: true } });
  });

  it("still honours a mute and the service's channels tag", () => {
    const message = pausedMessage(VIEW);

    expect(routeMessage(message, ["slack", "email"], undefined, { muteAll: true }).email).toEqual({
      send: false,
      reason: "muted",
    });
    expect(routeMessage(message, ["slack", "email"], undefined, { channels: ["slack"] }).email).toEqual({
      send: false,
      reason: "routed-out",
    });
  });

  it("shows the diagnosis of new tasks that stopped and advises rolling back", () => {
    const message = pausedMessage({
      ...VIEW,
      tasks: { running: 1, healthy: 1, desired: 2, stopped: [OOM] },
    });

    expect(message.severity).toBe("critical");
    expect(message.evidence).toEqual([
      "Task 0f1e2d3c: Container `web` ran out of memory — OutOfMemoryError: Container killed due to memory usage",
    ]);
    expect(message.remediation[0]).toBe(
      "Roll back unless the stopped tasks are expected: Container `web` ran out of memory",
    );
    expect(message.facts).toContainEqual({
      label: "New tasks",
      value: "1 running · 1 healthy · 1 stopped (of 2)",
    });
  });

  it("offers Continue and Roll back on the card for an opted-in service, with the hook they act on", () => {
    const patch = pausedCardPatch(VIEW, 1000);

    expect(patch.state).toMatchObject({ phase: "paused", severity: "warning" });
    expect(patch.state?.text).toBe(
      "Paused at POST_TEST_TRAFFIC_SHIFT — waiting for a decision until 2026-03-05 16:04:41 UTC",
    );
    expect(patch.actions?.map((a) => [a.kind, a.label, a.danger ?? false])).toEqual([
      ["continue-paused", "Continue", false],
      ["rollback-paused", "Roll back", true],
    ]);
    expect(patch.actions?.[0]?.subject).toEqual({
      serviceArn: VIEW.serviceArn,
      serviceDeploymentArn: VIEW.serviceDeploymentArn,
      hookId: VIEW.hookId,
      deploymentId: VIEW.deploymentId,
    });
  });

  it("offers no buttons where ecs-sentinel may not act, and says how to act with the AWS CLI instead", () => {
    const notOptedIn = { ...VIEW, optedIn: false };

    expect(pauseActions(notOptedIn)).toEqual([]);
    expect(pauseActions({ ...VIEW, optedIn: undefined })).toEqual([]);
    expect(pauseActions({ ...VIEW, hookStatus: "TIMED_OUT" })).toEqual([]);
    expect(pausedMessage(notOptedIn).remediation.at(-1)).toContain(
      `aws ecs continue-service-deployment --service-deployment-arn ${VIEW.serviceDeploymentArn} --hook-id ${VIEW.hookId} --action CONTINUE`,
    );
  });

  it("says so when the new tasks could not be read, and still asks for the decision", () => {
    const message = pausedMessage({ ...VIEW, tasks: undefined, loadProblem: "AccessDeniedException" });

    expect(message.cause).toContain("The new revision's tasks could not be read: AccessDeniedException.");
    expect(message.remediation).toHaveLength(3);
  });

  it("takes the buttons away and updates the card when the hook is no longer waiting", () => {
    const patch = hookStateCardPatch("HOOK_TIMED_OUT", 2000);
    const message = hookStateMessage(VIEW, "HOOK_TIMED_OUT");

    expect(patch.actions).toEqual([]);
    expect(patch.state?.text).toBe("Pause timed out: ECS took the timeout action");
    expect(message.severity).toBe("warning");
    expect(hookStateMessage(VIEW, "HOOK_SUCCEEDED").severity).toBe("info");
    expect(hookStateCardPatch("HOOK_SUCCEEDED", 1).state?.text).toBe(
      "In progress (continued after the pause)",
    );
  });
});

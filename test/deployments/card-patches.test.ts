/**
 * The card patches of ecs-sentinel's own findings. Rollback decisions come from the real policy
 * (decideRollback) over the rollback tests' scenario (test/rollback/scenario.ts), one change per decision code;
 * stopped tasks are diagnoses of the real-worded fixtures in test/fixtures/stopped-tasks/; review findings come
 * from reviewDeployment over the DescribeServices/DescribeTaskDefinition shapes of card-fixtures.ts.
 */
import { describe, expect, it } from "vitest";
import {
  FAILED_TASKS,
  reviewCardPatch,
  reviewSummary,
  rollbackCardPatch,
  stoppedTaskCardPatch,
} from "../../src/shared/deployments/card-patches.js";
import { reviewDeployment } from "../../src/shared/deployments/review.js";
import type { Fact } from "../../src/shared/notify/message.js";
import { decideRollback } from "../../src/shared/rollback/policy.js";
import {
  DECISION_CODES,
  type Decision,
  type DecisionCode,
  type RollbackInput,
  type ServiceDeploymentState,
} from "../../src/shared/rollback/types.js";
import {
  CURRENT,
  crashLoop,
  currentDeployment,
  failedDeployment,
  failure,
  minutesAgo,
  PREVIOUS,
  revision,
  serviceDeployment,
  td,
} from "../rollback/scenario.js";
import { reviewOf, stoppedTask, taskDefinition } from "./card-fixtures.js";

const AT = Date.parse("2025-06-01T12:00:00.000Z");

const factsOf = (facts: readonly Fact[] | undefined) =>
  Object.fromEntries((facts ?? []).map((f) => [f.label, f.value]));

const current = (input: RollbackInput) => input.service.deployments[0] as ServiceDeploymentState;

/** One scenario per decision code: the rollback tests' crash loop (or failed deployment) with one change. */
const SCENARIOS: Record<DecisionCode, () => RollbackInput> = {
  rollback: crashLoop,
  "unknown-deployment": () => {
    const input = crashLoop();
    input.trigger = { ...input.trigger, deploymentId: "ecs-svc/999" };
    return input;
  },
  superseded: () => ({
    ...crashLoop(),
    trigger: {
      kind: "deployment-failed",
      deploymentId: PREVIOUS,
      reason: "ECS deployment circuit breaker: tasks failed to start.",
    },
  }),
  "ecs-rolls-back": () => {
    const input = failedDeployment();
    input.service.deploymentConfiguration = { deploymentCircuitBreaker: { enable: true, rollback: true } };
    return input;
  },
  "below-threshold": () => {
    const input = crashLoop();
    input.trigger = {
      kind: "crash-loop",
      deploymentId: CURRENT,
      failures: [failure("a", 1), failure("b", 2)],
    };
    return input;
  },
  "outside-window": () => {
    const input = crashLoop();
    current(input).rolloutState = "COMPLETED";
    current(input).updatedAt = minutesAgo(45);
    const running = input.history[0];
    if (running) Object.assign(running, { status: "SUCCESSFUL", finishedAt: minutesAgo(45) });
    return input;
  },
  "not-opted-in": () => {
    const input = crashLoop();
    input.service.tags = [{ key: "team", value: "payments" }];
    return input;
  },
  "manual-only": () => {
    const input = crashLoop();
    input.service.tags = [{ key: "ecs-sentinel:auto-rollback", value: "manual" }];
    return input;
  },
  "rollback-of-rollback": () => {
    const input = crashLoop();
    current(input).rolloutStateReason =
      `ECS deployment circuit breaker: rolling back to deploymentId ${PREVIOUS}.`;
    return input;
  },
  "already-claimed": () => ({ ...crashLoop(), alreadyClaimed: true }),
  cooldown: () => ({ ...crashLoop(), lastRollbackAt: minutesAgo(10) }),
  "first-deployment": () => {
    const input = crashLoop();
    input.service.deployments = [currentDeployment()];
    input.history = input.history.slice(0, 1).map((h) => ({ ...h, sourceServiceRevisions: [] }));
    return input;
  },
  "no-healthy-revision": () => {
    const input = crashLoop();
    input.service.deployments = [currentDeployment()];
    input.history = [
      ...input.history.slice(0, 1),
      {
        serviceDeploymentArn: serviceDeployment("web-11-rolled-back"),
        status: "ROLLBACK_SUCCESSFUL",
        finishedAt: minutesAgo(100),
        targetServiceRevision: { arn: revision(11), taskDefinition: td(11) },
        sourceServiceRevisions: [],
      },
    ];
    return input;
  },
};

function decision(code: DecisionCode, change: (input: RollbackInput) => void = () => {}): Decision {
  const input = SCENARIOS[code]();
  change(input);
  const decided = decideRollback(input);
  // The scenario must produce the code it stands for, or the test below it proves nothing.
  expect(decided.code).toBe(code);
  return decided;
}

describe("rollbackCardPatch: an executed rollback", () => {
  it("reads 'Rolling back to web:11 (ecs-sentinel: crash loop, 3 failed tasks)' via StopServiceDeployment", () => {
    const patch = rollbackCardPatch(
      decision("rollback"),
      {
        status: "done",
        api: "StopServiceDeployment",
        serviceDeploymentArn: serviceDeployment("new-deployment"),
      },
      AT,
    );

    expect(patch).toEqual({
      at: AT,
      state: {
        text: "Rolling back to web:11 (ecs-sentinel: crash loop, 3 failed tasks)",
        severity: "warning",
        phase: "rolling-back",
      },
      facts: [{ label: "Rollback", value: "to web:11 by ecs-sentinel (StopServiceDeployment)" }],
    });
  });

  it("names UpdateService and the failed deployment as the trigger when the circuit breaker does not roll back", () => {
    const patch = rollbackCardPatch(
      decideRollback(failedDeployment()),
      { status: "done", api: "UpdateService", taskDefinition: td(11) },
      AT,
    );

    expect(patch?.state?.text).toBe("Rolling back to web:11 (ecs-sentinel: deployment failed)");
    expect(factsOf(patch?.facts).Rollback).toBe("to web:11 by ecs-sentinel (UpdateService)");
  });

  it("reads as rolling back by the API the decision targets before the outcome is known", () => {
    const patch = rollbackCardPatch(decision("rollback"), undefined, AT);

    expect(patch?.state?.phase).toBe("rolling-back");
    expect(factsOf(patch?.facts).Rollback).toBe("to web:11 by ecs-sentinel (StopServiceDeployment)");
  });

  it("says 'the previous revision' when the decision does not name the revision it returns to (adapted)", () => {
    const patch = rollbackCardPatch({ ...decision("rollback"), toTaskDefinition: undefined }, undefined, AT);

    expect(patch?.state?.text).toBe("Rolling back (ecs-sentinel: crash loop, 3 failed tasks)");
    expect(factsOf(patch?.facts).Rollback).toBe(
      "to the previous revision by ecs-sentinel (StopServiceDeployment)",
    );
  });

  it("marks a failed rollback call critical with the API and its error", () => {
    const patch = rollbackCardPatch(
      decision("rollback"),
      { status: "failed", api: "StopServiceDeployment", error: "AccessDeniedException: not authorized" },
      AT,
    );

    expect(patch).toEqual({
      at: AT,
      state: { text: "Rollback failed", severity: "critical", phase: "rollback-failed" },
      facts: [
        {
          label: "Rollback",
          value:
            "to web:11 by ecs-sentinel failed: StopServiceDeployment: AccessDeniedException: not authorized",
        },
      ],
    });
  });

  it("leaves the state alone when the executor skipped the rollback, and says why", () => {
    const patch = rollbackCardPatch(decision("rollback"), { status: "skipped", why: "dry run" }, AT);

    expect(patch).toEqual({ at: AT, facts: [{ label: "Rollback", value: "not rolled back: dry run" }] });
  });
});

describe("rollbackCardPatch: a dry run", () => {
  it("only says what it would do: 'would roll back to web:11', state unchanged", () => {
    const dry = decision("rollback", (input) => {
      input.config = { dryRun: true };
    });

    const patch = rollbackCardPatch(dry, { status: "skipped", why: "dry run" }, AT);

    expect(patch).toEqual({
      at: AT,
      facts: [{ label: "Rollback", value: "would roll back to web:11 (dry run: nothing was changed)" }],
    });
  });
});

describe("rollbackCardPatch: declined by a guard rail", () => {
  it.each([
    [
      "not-opted-in",
      "automatic rollback is off for this service (tag ecs-sentinel:auto-rollback=true to turn it on)",
    ],
    ["rollback-of-rollback", "the deployment is itself a rollback, and a rollback is never rolled back"],
    ["cooldown", "the service was rolled back automatically 10 minutes ago (cooldown 30 minutes)"],
    ["first-deployment", "no earlier revision to return to"],
    ["no-healthy-revision", "every earlier revision failed or was rolled back"],
  ] as const)("%s: sets 'Rollback' to 'not rolled back: <why>' and leaves the state alone", (code, why) => {
    const patch = rollbackCardPatch(decision(code), undefined, AT);

    expect(patch).toEqual({ at: AT, facts: [{ label: "Rollback", value: `not rolled back: ${why}` }] });
  });
});

describe("rollbackCardPatch: nothing to show", () => {
  it.each([
    "unknown-deployment",
    "superseded",
    "ecs-rolls-back",
    "below-threshold",
    "outside-window",
  ] as const)("%s: the trigger did not hold, the card is not touched", (code) => {
    expect(rollbackCardPatch(decision(code), undefined, AT)).toBeUndefined();
  });

  it("already-claimed: the invocation that claimed the rollback patches the card, not this one", () => {
    expect(rollbackCardPatch(decision("already-claimed"), undefined, AT)).toBeUndefined();
  });

  it("covers every decision code the policy has", () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual([...DECISION_CODES].sort());
  });
});

describe("stoppedTaskCardPatch", () => {
  it.each([
    ["out-of-memory--fargate-exit-137.json", "out-of-memory"],
    ["app-exit--fargate-exit-1.json", "app-exit"],
    ["image-pull--docs-repository-not-found.json", "image-pull"],
    ["secrets--asm-json-key-missing.json", "secrets"],
    ["elb-health-check--fargate-target-group-exit-137.json", "elb-health-check"],
    ["completed--service-task-exit-0.json", "completed"],
  ])("counts %s as one failed task and shows it as the last failure", (file, category) => {
    const diagnosis = stoppedTask(file);

    const patch = stoppedTaskCardPatch(diagnosis, AT);

    expect(patch).toEqual({
      at: AT,
      add: { [FAILED_TASKS]: 1 },
      facts: [{ label: "Last failure", value: `${category}: ${diagnosis.title}` }],
    });
  });

  it.each([
    "scaling--fargate-deployment-replacement.json",
    "scaling--ec2-deployment-replacement.json",
    "user-stopped--task-stopped-by-user.json",
  ])("leaves the card alone for an expected stop: %s", (file) => {
    const diagnosis = stoppedTask(file);
    expect(diagnosis.severity).toBe("info");

    expect(stoppedTaskCardPatch(diagnosis, AT)).toBeUndefined();
  });

  it.each([
    ["spot-interruption--fargate-spot-final-stopped.json", "spot-interruption"],
    ["platform--fargate-maintenance.json", "platform"],
  ])("shows %s as the last stop without counting it (the revision is not to blame)", (file, category) => {
    const diagnosis = stoppedTask(file);
    expect(diagnosis.severity).not.toBe("info");

    const patch = stoppedTaskCardPatch(diagnosis, AT);

    expect(patch).toEqual({
      at: AT,
      facts: [{ label: "Last stop", value: `${category}: ${diagnosis.title}` }],
    });
  });

  it("keeps a hostile title to one line of at most 200 characters (title adapted)", () => {
    const diagnosis = {
      ...stoppedTask("app-exit--fargate-exit-1.json"),
      title: `crash\n${"@channel ".repeat(60)}`,
    };

    const value = factsOf(stoppedTaskCardPatch(diagnosis, AT)?.facts)["Last failure"] ?? "";

    expect(value.length).toBeLessThanOrEqual(200);
    expect(value).not.toContain("\n");
  });
});

describe("reviewCardPatch", () => {
  it("summarises the findings of a revision by severity", () => {
    const findings = reviewDeployment(
      reviewOf(
        { deploymentConfiguration: { deploymentCircuitBreaker: { enable: false, rollback: false } } },
        {
          containerDefinitions: [
            {
              name: "web",
              image: "web:latest",
              environment: [{ name: "DB_PASSWORD", value: "hunter2hunter2" }],
              logConfiguration: { logDriver: "awslogs" },
              healthCheck: { command: ["CMD", "true"] },
            },
          ],
        },
      ),
    );
    expect(findings.map((f) => f.severity)).toEqual(["critical", "warning", "warning"]);

    const patch = reviewCardPatch(findings, AT);

    expect(patch).toEqual({
      at: AT,
      facts: [{ label: "Review", value: "3 findings (1 critical, 2 warnings)" }],
    });
  });

  it("says 'nothing flagged' for a clean revision", () => {
    const clean = reviewOf(
      {},
      {
        ...taskDefinition(),
        containerDefinitions: [
          {
            name: "web",
            image: "web:1.4.2",
            essential: true,
            logConfiguration: { logDriver: "awslogs" },
            healthCheck: { command: ["CMD", "true"] },
          },
        ],
      },
    );
    expect(reviewDeployment(clean)).toEqual([]);

    expect(reviewCardPatch(reviewDeployment(clean), AT)).toEqual({
      at: AT,
      facts: [{ label: "Review", value: "nothing flagged" }],
    });
  });

  it.each([
    [["critical", "info"], "2 findings (1 critical)"],
    [["warning"], "1 finding (1 warning)"],
    [["info"], "1 finding"],
    [["critical", "critical", "warning", "info"], "4 findings (2 critical, 1 warning)"],
  ] as const)("summarises severities %j as %s", (severities, expected) => {
    expect(reviewSummary(severities.map((severity) => ({ severity })))).toBe(expected);
  });
});

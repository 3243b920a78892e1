import { describe, expect, it } from "vitest";
import { decideRollback, isOptedIn } from "../../src/shared/rollback/policy.js";
import type {
  Decision,
  RollbackInput,
  ServiceDeploymentRecord,
  ServiceDeploymentState,
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
  SERVICE_ARN,
  serviceDeployment,
  td,
} from "./scenario.js";

type Expected = Pick<Decision, "action" | "code" | "triggered"> & {
  target?: Decision["target"];
  reason?: RegExp;
};

const current = (input: RollbackInput) => input.service.deployments[0] as ServiceDeploymentState;
const running = (input: RollbackInput) => input.history[0] as ServiceDeploymentRecord;
const crash = (input: RollbackInput) => {
  if (input.trigger.kind !== "crash-loop") throw new Error("not a crash-loop scenario");
  return input.trigger;
};
const completedMinutesAgo = (minutes: number) => (input: RollbackInput) => {
  current(input).rolloutState = "COMPLETED";
  current(input).updatedAt = minutesAgo(minutes);
  running(input).status = "SUCCESSFUL";
  running(input).finishedAt = minutesAgo(minutes);
};
const notTagged = (input: RollbackInput) => {
  input.service.tags = [{ key: "team", value: "payments" }];
};

const STOP = {
  kind: "stop-deployment",
  serviceDeploymentArn: serviceDeployment("new-deployment"),
  taskDefinition: td(11),
};
const UPDATE_TO_11 = { kind: "update-service", taskDefinition: td(11) };
const ROLLBACK_STOP: Expected = {
  action: "rollback",
  code: "rollback",
  triggered: true,
  target: STOP,
} as Expected;
const ROLLBACK_UPDATE: Expected = {
  action: "rollback",
  code: "rollback",
  triggered: true,
  target: UPDATE_TO_11,
} as Expected;
const none = (code: Decision["code"], triggered: boolean, reason?: RegExp): Expected => ({
  action: "none",
  code,
  triggered,
  reason,
});

const TABLE: [string, () => RollbackInput, Expected][] = [
  // crash-loop trigger
  ["crash loop during the deployment: stop it with ROLLBACK", crashLoop, ROLLBACK_STOP],
  [
    "crash loop counts a service task that exited 0 (completed)",
    () => {
      const input = crashLoop();
      crash(input).failures = [
        failure("a", 1, "completed"),
        failure("b", 2, "out-of-memory"),
        failure("c", 3, "unknown"),
      ];
      return input;
    },
    ROLLBACK_STOP,
  ],
  [
    "two failures are below the threshold of three",
    () => {
      const input = crashLoop();
      crash(input).failures = [failure("a", 1), failure("b", 2)];
      return input;
    },
    none("below-threshold", false, /2 failed tasks .* below the threshold of 3/),
  ],
  [
    "a failure older than the 15-minute window does not count",
    () => {
      const input = crashLoop();
      crash(input).failures = [failure("a", 1), failure("b", 2), failure("c", 16)];
      return input;
    },
    none("below-threshold", false),
  ],
  [
    "scaling, user stops, Spot, platform and placement stops are not failures",
    () => {
      const input = crashLoop();
      crash(input).failures = [
        failure("a", 1, "scaling"),
        failure("b", 1, "user-stopped"),
        failure("c", 1, "spot-interruption"),
        failure("d", 1, "platform"),
        failure("e", 1, "placement"),
        failure("f", 1, "app-exit"),
      ];
      return input;
    },
    none("below-threshold", false, /^1 failed task /),
  ],
  [
    "tasks started by another deployment do not count",
    () => {
      const input = crashLoop();
      crash(input).failures = [failure("a", 1), failure("b", 2), { ...failure("c", 3), startedBy: PREVIOUS }];
      return input;
    },
    none("below-threshold", false),
  ],
  [
    "the same task reported twice counts once",
    () => {
      const input = crashLoop();
      crash(input).failures = [failure("a", 1), failure("a", 1), failure("b", 2)];
      return input;
    },
    none("below-threshold", false),
  ],
  [
    "a configured threshold and window replace the defaults",
    () => {
      const input = crashLoop();
      input.config = { crashLoopThreshold: 2, crashLoopWindowMinutes: 30 };
      crash(input).failures = [failure("a", 1), failure("b", 25)];
      return input;
    },
    ROLLBACK_STOP,
  ],
  [
    "crash loop 10 minutes after the deployment completed: update the service to the last good revision",
    () => {
      const input = crashLoop();
      completedMinutesAgo(10)(input);
      return input;
    },
    ROLLBACK_UPDATE,
  ],
  [
    "crash loop 45 minutes after the deployment completed is not blamed on it",
    () => {
      const input = crashLoop();
      completedMinutesAgo(45)(input);
      return input;
    },
    none("outside-window", false, /completed 45 minutes ago/),
  ],
  [
    "crash loop after a failed deployment that the circuit breaker rolls back",
    () => {
      const input = crashLoop();
      current(input).rolloutState = "FAILED";
      input.service.deploymentConfiguration = { deploymentCircuitBreaker: { enable: true, rollback: true } };
      return input;
    },
    none("ecs-rolls-back", false),
  ],
  // deployment-failed trigger
  [
    "failed deployment with circuit-breaker rollback off: update the service to the last good revision",
    failedDeployment,
    ROLLBACK_UPDATE,
  ],
  [
    "failed deployment with circuit-breaker rollback on: ECS rolls back by itself",
    () => {
      const input = failedDeployment();
      input.service.deploymentConfiguration = { deploymentCircuitBreaker: { enable: true, rollback: true } };
      return input;
    },
    none("ecs-rolls-back", false, /circuit breaker rollback is on/),
  ],
  [
    "deployment failed by an alarm with alarm rollback on: ECS rolls back by itself",
    () => {
      const input = failedDeployment();
      input.trigger = {
        kind: "deployment-failed",
        deploymentId: CURRENT,
        reason: "ECS deployment alarm: web-5xx in ALARM",
      };
      input.service.deploymentConfiguration = { alarms: { enable: true, rollback: true } };
      return input;
    },
    none("ecs-rolls-back", false, /deployment alarms rollback is on/),
  ],
  [
    "deployment failed by an alarm whose rollback is off, though the circuit breaker's is on",
    () => {
      const input = failedDeployment();
      input.trigger = {
        kind: "deployment-failed",
        deploymentId: CURRENT,
        reason: "ECS deployment alarm: web-5xx in ALARM",
      };
      input.service.deploymentConfiguration = {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        alarms: { enable: true, rollback: false },
      };
      return input;
    },
    ROLLBACK_UPDATE,
  ],
  // which deployment
  [
    "the deployment is no longer on the service",
    () => {
      const input = crashLoop();
      crash(input).deploymentId = "ecs-svc/999";
      return input;
    },
    none("unknown-deployment", false),
  ],
  [
    "the deployment was replaced by a newer one",
    () => {
      const input = crashLoop();
      input.trigger = {
        kind: "deployment-failed",
        deploymentId: PREVIOUS,
        reason: "ECS deployment circuit breaker: tasks failed to start.",
      };
      return input;
    },
    none("superseded", false, new RegExp(`replaced by deployment ${CURRENT}`)),
  ],
  // guard rails
  [
    "a service neither tagged nor listed is not rolled back",
    () => {
      const input = crashLoop();
      notTagged(input);
      return input;
    },
    none("not-opted-in", true, /ecs-sentinel:auto-rollback=true/),
  ],
  [
    "a service listed by name is rolled back",
    () => {
      const input = crashLoop();
      notTagged(input);
      input.config = { optInServices: ["web"] };
      return input;
    },
    ROLLBACK_STOP,
  ],
  [
    "a service listed as cluster/service is rolled back",
    () => {
      const input = crashLoop();
      notTagged(input);
      input.config = { optInServices: ["prod/web"] };
      return input;
    },
    ROLLBACK_STOP,
  ],
  [
    "a service listed by ARN is rolled back",
    () => {
      const input = crashLoop();
      notTagged(input);
      input.config = { optInServices: [SERVICE_ARN] };
      return input;
    },
    ROLLBACK_STOP,
  ],
  [
    "a service tagged auto-rollback=false stays out even when listed",
    () => {
      const input = crashLoop();
      input.service.tags = [{ key: "ecs-sentinel:auto-rollback", value: "false" }];
      input.config = { optInServices: ["web"] };
      return input;
    },
    none("not-opted-in", true),
  ],
  [
    "a deployment that is itself a circuit-breaker rollback is never rolled back",
    () => {
      const input = crashLoop();
      current(input).rolloutStateReason =
        `ECS deployment circuit breaker: rolling back to deploymentId ${PREVIOUS}.`;
      return input;
    },
    none("rollback-of-rollback", true, /never rolled back/),
  ],
  [
    "a failed rollback deployment is never rolled back",
    () => {
      const input = failedDeployment();
      input.trigger = {
        kind: "deployment-failed",
        deploymentId: CURRENT,
        reason: `ECS deployment circuit breaker: rolling back to deploymentId ${PREVIOUS}.`,
      };
      return input;
    },
    none("rollback-of-rollback", true),
  ],
  [
    "nothing is done while ECS is already rolling back (history)",
    () => {
      const input = crashLoop();
      running(input).status = "ROLLBACK_IN_PROGRESS";
      return input;
    },
    none("rollback-of-rollback", true, /ROLLBACK_IN_PROGRESS/),
  ],
  [
    "a deployment already claimed is not rolled back twice",
    () => {
      const input = crashLoop();
      input.alreadyClaimed = true;
      return input;
    },
    none("already-claimed", true),
  ],
  [
    "a service rolled back 10 minutes ago is in its cooldown",
    () => {
      const input = crashLoop();
      input.lastRollbackAt = minutesAgo(10);
      return input;
    },
    none("cooldown", true, /10 minutes ago \(cooldown 30 minutes\)/),
  ],
  [
    "a service rolled back 40 minutes ago is out of its cooldown",
    () => {
      const input = crashLoop();
      input.lastRollbackAt = minutesAgo(40);
      return input;
    },
    ROLLBACK_STOP,
  ],
  [
    "a first deployment has nothing to return to: notify only",
    () => {
      const input = crashLoop();
      input.service.deployments = [currentDeployment()];
      input.history = [{ ...running(input), sourceServiceRevisions: [] }];
      return input;
    },
    none("first-deployment", true, /first/),
  ],
  [
    "a first deployment without any service-deployment history: notify only",
    () => {
      const input = failedDeployment();
      input.service.deployments = [current(input)];
      input.history = [];
      return input;
    },
    none("first-deployment", true, /nothing to return to/),
  ],
  [
    "never back to a revision that itself failed: skip it for an older good one",
    () => {
      const input = crashLoop();
      input.history = [
        running(input),
        {
          serviceDeploymentArn: serviceDeployment("web-11-rolled-back"),
          status: "ROLLBACK_SUCCESSFUL",
          finishedAt: minutesAgo(100),
          targetServiceRevision: { arn: revision(11), taskDefinition: td(11) },
          sourceServiceRevisions: [{ arn: revision(10), taskDefinition: td(10) }],
        },
        {
          serviceDeploymentArn: serviceDeployment("web-10"),
          status: "SUCCESSFUL",
          finishedAt: minutesAgo(5000),
          targetServiceRevision: { arn: revision(10), taskDefinition: td(10) },
          sourceServiceRevisions: [],
        },
      ];
      input.service.deployments = [current(input)];
      return input;
    },
    {
      action: "rollback",
      code: "rollback",
      triggered: true,
      target: { kind: "update-service", taskDefinition: td(10) },
    },
  ],
  [
    "a revision that failed once but succeeded later is good again",
    () => {
      const input = failedDeployment();
      input.history = [
        running(input),
        {
          serviceDeploymentArn: serviceDeployment("web-11-ok"),
          status: "SUCCESSFUL",
          finishedAt: minutesAgo(100),
          targetServiceRevision: { arn: revision(11), taskDefinition: td(11) },
        },
        {
          serviceDeploymentArn: serviceDeployment("web-11-failed"),
          status: "ROLLBACK_SUCCESSFUL",
          finishedAt: minutesAgo(500),
          targetServiceRevision: { arn: revision(11), taskDefinition: td(11) },
        },
      ];
      return input;
    },
    ROLLBACK_UPDATE,
  ],
  [
    "every earlier revision failed: no rollback",
    () => {
      const input = failedDeployment();
      input.service.deployments = [current(input)];
      input.history = [
        running(input),
        {
          serviceDeploymentArn: serviceDeployment("web-11-failed"),
          status: "ROLLBACK_FAILED",
          finishedAt: minutesAgo(500),
          targetServiceRevision: { arn: revision(11), taskDefinition: td(11) },
        },
      ];
      return input;
    },
    none("no-healthy-revision", true, /Every earlier revision/),
  ],
  [
    "dry run reports the rollback it would do",
    () => {
      const input = crashLoop();
      input.config = { dryRun: true };
      return input;
    },
    { ...ROLLBACK_STOP, reason: /dry run: nothing is changed/ },
  ],
];

describe("decideRollback", () => {
  it.each(TABLE)("%s", (_name, build, expected) => {
    const input = build();

    const decision = decideRollback(input);

    expect(decision.action).toBe(expected.action);
    expect(decision.code).toBe(expected.code);
    expect(decision.triggered).toBe(expected.triggered);
    expect(decision.target).toEqual(expected.target);
    expect(decision.reason.length).toBeGreaterThan(20);
    if (expected.reason) expect(decision.reason).toMatch(expected.reason);
    expect(decision.deploymentId).toBe(input.trigger.deploymentId);
    expect(decision.serviceArn).toBe(SERVICE_ARN);
  });

  it("carries the dry-run flag on every decision and the from/to revisions of a rollback", () => {
    const input = crashLoop();
    input.config = { dryRun: true };

    const decision = decideRollback(input);

    expect(decision).toMatchObject({
      dryRun: true,
      trigger: "crash-loop",
      fromTaskDefinition: td(12),
      toTaskDefinition: td(11),
      failureCount: 3,
    });
  });

  it("names the revision a refused rollback would have returned to, for a manual rollback", () => {
    const input = failedDeployment();
    input.alreadyClaimed = true;

    const decision = decideRollback(input);

    expect(decision).toMatchObject({ action: "none", code: "already-claimed", toTaskDefinition: td(11) });
    expect(decision.target).toBeUndefined();
  });

  it("is not a dry run by default", () => {
    expect(decideRollback(crashLoop()).dryRun).toBe(false);
  });

  it("checks opt-in before the other guard rails, so its reason is the one reported", () => {
    const input = crashLoop();
    notTagged(input);
    input.alreadyClaimed = true;
    input.lastRollbackAt = minutesAgo(1);

    expect(decideRollback(input).code).toBe("not-opted-in");
  });
});

describe("isOptedIn", () => {
  it.each([
    [[{ key: "ecs-sentinel:auto-rollback", value: "TRUE" }], [], true],
    [[{ key: "ecs-sentinel:auto-rollback", value: "yes" }], [], false],
    [[], [" web "], true],
    [[], ["other"], false],
  ] as const)("tags %j and list %j -> %s", (tags, list, expected) => {
    expect(isOptedIn({ arn: SERVICE_ARN, tags, deployments: [] }, list)).toBe(expected);
  });
});

describe("rollback by hand (tag ecs-sentinel:auto-rollback=manual, Slack's Roll back button)", () => {
  const tagged = (value: string) => (input: RollbackInput) => {
    input.service.tags = [{ key: "ecs-sentinel:auto-rollback", value }];
  };
  const byHand = (input: RollbackInput): RollbackInput => ({
    ...input,
    trigger: { kind: "manual", deploymentId: CURRENT, by: "<@U0APPROVER>" },
  });

  it("never rolls a manual service back automatically, and says to use the button", () => {
    const input = crashLoop();
    tagged("manual")(input);

    const decision = decideRollback(input);

    expect(decision).toMatchObject({ action: "none", code: "manual-only", triggered: true });
    expect(decision.reason).toMatch(/only when a person asks/);
    expect(decision.toTaskDefinition).toBe(td(11));
  });

  it("rolls a manual service back when a person asks, with the same target as automation would choose", () => {
    const input = byHand(crashLoop());
    tagged("manual")(input);

    const decision = decideRollback(input);

    expect(decision).toMatchObject({ action: "rollback", code: "rollback", trigger: "manual" });
    expect(decision.target).toEqual(STOP);
    expect(decision.reason).toMatch(/^<@U0APPROVER> asked to roll back deployment/);
  });

  it("lets a person roll back an automatic service too", () => {
    const input = byHand(crashLoop());
    tagged("true")(input);

    expect(decideRollback(input)).toMatchObject({ action: "rollback", code: "rollback" });
  });

  it("refuses a person's rollback of a service tagged false or not tagged", () => {
    for (const setup of [tagged("false"), notTagged]) {
      const input = byHand(crashLoop());
      setup(input);

      expect(decideRollback(input)).toMatchObject({ action: "none", code: "not-opted-in" });
    }
  });

  it("keeps every other guard rail for a person's rollback: cooldown, claim, superseded deployment", () => {
    const cooling = byHand(crashLoop());
    tagged("manual")(cooling);
    cooling.lastRollbackAt = minutesAgo(5);
    const claimed = byHand(crashLoop());
    tagged("manual")(claimed);
    claimed.alreadyClaimed = true;
    const replaced = byHand(crashLoop());
    tagged("manual")(replaced);
    replaced.trigger = { kind: "manual", deploymentId: PREVIOUS, by: "<@U0APPROVER>" };

    expect(decideRollback(cooling).code).toBe("cooldown");
    expect(decideRollback(claimed).code).toBe("already-claimed");
    expect(["superseded", "unknown-deployment"]).toContain(decideRollback(replaced).code);
  });
});

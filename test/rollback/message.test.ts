import { describe, expect, it } from "vitest";
import { rollbackMessage } from "../../src/shared/rollback/message.js";
import { decideRollback } from "../../src/shared/rollback/policy.js";
import { crashLoop, failedDeployment, minutesAgo } from "./scenario.js";

describe("rollbackMessage", () => {
  it("announces a decided rollback as critical, naming from, to and the API", () => {
    const decision = decideRollback(failedDeployment());

    const message = rollbackMessage(decision);

    expect(message).toMatchObject({
      kind: "rollback",
      severity: "critical",
      category: "rollback:rollback",
      title: "web: rolling back ecs-svc/2222222222222222222 to web:11",
      cause: decision.reason,
      service: "web",
      cluster: "prod",
      region: "us-east-1",
      account: "111122223333",
    });
    expect(message.facts).toEqual(
      expect.arrayContaining([
        { label: "From", value: "web:12" },
        { label: "To", value: "web:11" },
        { label: "Action", value: "UpdateService" },
      ]),
    );
  });

  it("says the rollback was done once the API call succeeded", () => {
    const decision = decideRollback(crashLoop());

    const message = rollbackMessage(decision, {
      outcome: { status: "done", api: "StopServiceDeployment", serviceDeploymentArn: "arn:sd" },
    });

    expect(message.title).toBe("web: rolled back ecs-svc/2222222222222222222 to web:11");
    expect(message.evidence).toContain("StopServiceDeployment succeeded (arn:sd)");
    expect(message.facts).toContainEqual({ label: "Action", value: "StopServiceDeployment (ROLLBACK)" });
  });

  it("marks a dry run in the title and facts", () => {
    const input = crashLoop();
    input.config = { dryRun: true };

    const message = rollbackMessage(decideRollback(input));

    expect(message.title).toBe("web: would roll back ecs-svc/2222222222222222222 to web:11 (dry run)");
    expect(message.facts).toContainEqual({ label: "Dry run", value: "yes" });
    expect(message.severity).toBe("critical");
  });

  it("reports a failed rollback as critical with the error and a manual command", () => {
    const decision = decideRollback(failedDeployment());

    const message = rollbackMessage(decision, {
      outcome: { status: "failed", api: "UpdateService", error: "AccessDeniedException: not allowed" },
    });

    expect(message.severity).toBe("critical");
    expect(message.category).toBe("rollback-failed");
    expect(message.title).toBe("web: automatic rollback of ecs-svc/2222222222222222222 FAILED");
    expect(message.reason).toBe("AccessDeniedException: not allowed");
    expect(message.cause).toContain("NOT rolled back");
    expect(message.remediation[0]).toContain("--task-definition web:11");
  });

  it("explains a refused rollback as a warning with the manual rollback to the revision it would have chosen", () => {
    const input = crashLoop();
    input.service.tags = [];

    const message = rollbackMessage(decideRollback(input));

    expect(message.severity).toBe("warning");
    expect(message.title).toBe("web: not rolling back ecs-svc/2222222222222222222 (not-opted-in)");
    expect(message.cause).toContain("not enabled for this service");
    expect(message.remediation[0]).toBe(
      "Roll back by hand: `aws ecs update-service --cluster prod --service web --task-definition web:11`",
    );
  });

  it("explains a rollback held back by the cooldown as a warning", () => {
    const input = crashLoop();
    input.lastRollbackAt = minutesAgo(5);

    const message = rollbackMessage(decideRollback(input));

    expect(message.severity).toBe("warning");
    expect(message.cause).toContain("5 minutes ago");
  });

  it("tells how long automatic rollback now stays away from the service", () => {
    const message = rollbackMessage(decideRollback(crashLoop()), { cooldownMinutes: 45 });

    expect(message.remediation).toContain(
      "Automatic rollback will not act on this service again for 45 minutes",
    );
  });

  it("keeps an already-claimed or untriggered decision at info with nothing to do", () => {
    const claimed = crashLoop();
    claimed.alreadyClaimed = true;
    const quiet = crashLoop();
    if (quiet.trigger.kind === "crash-loop") quiet.trigger.failures = [];

    const messages = [rollbackMessage(decideRollback(claimed)), rollbackMessage(decideRollback(quiet))];

    expect(messages.map((m) => [m.severity, m.remediation.length])).toEqual([
      ["info", 0],
      ["info", 0],
    ]);
    expect(messages[1]?.title).toBe("web: no rollback for ecs-svc/2222222222222222222 (below-threshold)");
  });
});

/**
 * Log keys against the real Powertools Logger: the ECS service survives as `ecsService` (Powertools drops
 * `service`, its own reserved key), and no log-key builder or flow log line uses a key Powertools owns.
 * Fixtures: AWS documentation events (test/fixtures/ecs-events, test/deployments/fixtures).
 */
import { readdirSync, readFileSync } from "node:fs";
import { Logger } from "@aws-lambda-powertools/logger";
import { ClusterNotFoundException, ECSClient } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runJobLogKeys } from "../../src/shared/flows/job-run.js";
import {
  crashLoopLogKeys,
  eventLogKeys,
  isReservedLogKey,
  POWERTOOLS_RESERVED_KEYS,
  serviceLogKeys,
} from "../../src/shared/log-keys.js";
import { ecsWorld } from "../scenarios/support/ecs-world.js";
import { deploymentEvent, stoppedTask } from "../scenarios/support/events.js";
import { scenarioHarness } from "../scenarios/support/harness.js";

const FIXTURES = new URL("../fixtures/ecs-events/", import.meta.url);
const DEPLOYMENT_FIXTURES = new URL("../deployments/fixtures/", import.meta.url);
const read = (dir: URL, name: string) => JSON.parse(readFileSync(new URL(name, dir), "utf8")) as unknown;
const allFixtures = () => [
  ...readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f, read(FIXTURES, f)] as const),
  ...readdirSync(DEPLOYMENT_FIXTURES)
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f, read(DEPLOYMENT_FIXTURES, f)] as const),
];

/** Runs `act` with a fresh Powertools logger whose JSON lines are captured. */
function captureLogger(act: (logger: Logger) => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const keep = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  // Powertools writes warnings and errors to stderr, the rest to stdout.
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation(keep),
    vi.spyOn(process.stderr, "write").mockImplementation(keep),
  ];
  try {
    act(new Logger({ serviceName: "ecs-sentinel", logLevel: "DEBUG" }));
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines
    .join("")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("the reserved keys", () => {
  it("include every key Powertools 2.35 drops (its ReservedKeys constant)", async () => {
    // Not exported from the package index: read from the installed module, so an upgrade that adds one fails here.
    const path = new URL(
      "../../node_modules/@aws-lambda-powertools/logger/lib/esm/constants.js",
      import.meta.url,
    );
    const { ReservedKeys } = (await import(path.href)) as { ReservedKeys: string[] };

    expect(POWERTOOLS_RESERVED_KEYS).toEqual(expect.arrayContaining(ReservedKeys));
  });

  it("include every key of the formatter's standard attributes", () => {
    const [line] = captureLogger((logger) => logger.info("probe"));

    const standard = Object.keys(line ?? {});

    expect(standard.length).toBeGreaterThan(3);
    for (const key of standard) expect(isReservedLogKey(key), key).toBe(true);
  });

  it("explain the rename: an appended `service` is dropped, Powertools keeps its own", () => {
    const [line] = captureLogger((logger) => {
      // The old key, appended as eventLogKeys used to (its types forbid it; untyped code did not).
      logger.appendKeys({ ["service" as string]: "api" });
      logger.info("probe");
    }).filter((l) => l.message === "probe");

    expect(line?.service).toBe("ecs-sentinel");
  });
});

describe("keys appended by the handlers, through the real Powertools logger", () => {
  it("keep the ECS service, cluster and deployment of a deployment event", () => {
    const event = read(DEPLOYMENT_FIXTURES, "deployment-failed.doc.json");

    const [line] = captureLogger((logger) => {
      logger.appendKeys(eventLogKeys(event));
      logger.info("handled");
    });

    expect(line).toMatchObject({
      message: "handled",
      service: "ecs-sentinel",
      ecsService: "servicetest",
      cluster: "default",
      deploymentId: "ecs-svc/123",
      detailType: "ECS Deployment State Change",
      eventId: expect.any(String),
    });
  });

  it("keep the ECS service, cluster and task of a stopped-task event", () => {
    const event = read(FIXTURES, "task-stopped-scaling-activity-fargate.real.json");

    const [line] = captureLogger((logger) => {
      logger.appendKeys(eventLogKeys(event));
      logger.info("handled");
    });

    expect(line).toMatchObject({
      ecsService: "DemoTrafficGen01-ServiceD69D759B-EfyMIBhdCKVk",
      cluster: "DemoTrafficGen01-ClusterEB0386A7-sCRgDrfn5BP9",
      group: "service:DemoTrafficGen01-ServiceD69D759B-EfyMIBhdCKVk",
      task: expect.stringContaining(":task/DemoTrafficGen01-ClusterEB0386A7-sCRgDrfn5BP9/"),
    });
  });

  it("keep a string `error` field next to them (our Log port never passes an Error object)", () => {
    const [line] = captureLogger((logger) =>
      logger.error("rollback check failed", { error: "ClusterNotFoundException: Cluster not found." }),
    );

    expect(line?.error).toBe("ClusterNotFoundException: Cluster not found.");
  });
});

describe("no log-key builder returns a reserved key", () => {
  it.each(allFixtures())("eventLogKeys of %s", (_, event) => {
    const keys = Object.keys(eventLogKeys(event));

    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter(isReservedLogKey)).toEqual([]);
  });

  it("serviceLogKeys, crashLoopLogKeys and runJobLogKeys", () => {
    const keys = [
      ...Object.keys(serviceLogKeys("arn:aws:ecs:us-west-2:123456789012:service/example/sd-example")),
      ...Object.keys(
        crashLoopLogKeys({ cluster: "example", service: "sd-example", deploymentId: "ecs-svc/2" }),
      ),
      ...Object.keys(runJobLogKeys({ job: "nightly", executionId: "x" })),
    ];

    expect(keys).toEqual([
      "cluster",
      "ecsService",
      "cluster",
      "ecsService",
      "deploymentId",
      "job",
      "executionId",
    ]);
    expect(keys.filter(isReservedLogKey)).toEqual([]);
  });
});

describe("no deployment-side log line uses a reserved key", () => {
  const ecsMock = mockClient(ECSClient);
  beforeEach(() => ecsMock.reset());
  afterEach(() => ecsMock.reset());

  it("over a crash loop, a rollback, a failed deployment and a failed check", async () => {
    ecsWorld(ecsMock);
    const h = scenarioHarness();
    await h.dispatch(deploymentEvent("SERVICE_DEPLOYMENT_IN_PROGRESS", { time: "2024-09-10T16:49:05Z" }));
    for (const [i, time] of ["16:50:30", "16:52:00", "16:54:00"].entries()) {
      await h.dispatch(stoppedTask({ taskId: `t${i}`, time: `2024-09-10T${time}Z` }));
    }
    ecsMock.reset();
    ecsMock.rejects(new ClusterNotFoundException({ message: "Cluster not found.", $metadata: {} }));
    await h.dispatch(deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" }));

    const keys = new Set(h.log.lines.flatMap((l) => Object.keys(l.fields)));

    expect(h.log.lines.length).toBeGreaterThan(4);
    expect(keys).toContain("ecsService");
    expect([...keys].filter(isReservedLogKey)).toEqual([]);
  });
});

/**
 * The dry-run composition (`replay --dry-run`) is its own wiring: printing adapters, an in-memory store, and no
 * AWS reader even when the configuration names a region and a state table (which switch them on for real runs).
 * Fixtures: the AWS documentation's deployment-failed event (test/fixtures/ecs-events) and a stopped task from
 * test/fixtures/stopped-tasks.
 */
import { readFileSync } from "node:fs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config.js";
import { dryRunFlowDeps, dryRunNotifications } from "../../src/app/dry-run.js";
import { dispatchEvent } from "../../src/shared/flows/dispatch.js";
import { silentLog } from "../../src/shared/log.js";

const ecsMock = mockClient(ECSClient);
const dynamoMock = mockClient(DynamoDBClient);
const snsMock = mockClient(SNSClient);

const read = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as unknown;

beforeEach(() => {
  ecsMock.reset();
  dynamoMock.reset();
  snsMock.reset();
});

function dryRun() {
  const config = loadConfig({
    AWS_REGION: "us-west-2",
    STATE_TABLE: "ecs-sentinel-dev-state",
    AUTO_ROLLBACK_SERVICES: "all-services",
  });
  const printed: string[] = [];
  const options = {
    log: silentLog,
    print: (line: string) => printed.push(line),
    payloads: false,
    clock: () => 0,
  };
  const notifications = dryRunNotifications(config, options);
  const deps = dryRunFlowDeps(config, options, notifications.service);
  return { deps, printed, takePending: notifications.takePending };
}

describe("the dry-run wiring", () => {
  it("reads nothing from AWS for alerts: no task definition context, no alert context, no job hook", () => {
    const { deps } = dryRun();

    expect(deps.taskDefinitionContext).toBeUndefined();
    expect(deps.enrichment).toBeUndefined();
    // The deployment sightings and the crash-loop counter only: job runs live in the state table.
    expect(deps.hooks).toHaveLength(2);
  });

  it("prints the rollback a failed deployment would get and calls no AWS API", async () => {
    // Arrange
    const { deps, printed } = dryRun();

    // Act
    const result = await dispatchEvent(read("../fixtures/ecs-events/deployment-failed.doc.json"), deps);

    // Assert
    expect(result.status).toBe("handled");
    expect(printed.join("")).toContain("rollback: dry run:");
    expect([ecsMock.calls(), dynamoMock.calls(), snsMock.calls()].flat()).toEqual([]);
  });

  it("renders a stopped task's message into the printing channels instead of sending it", async () => {
    // Arrange
    const { deps, takePending } = dryRun();
    const task = read("../fixtures/stopped-tasks/app-exit--ec2-exit-2.json");

    // Act
    const result = await dispatchEvent(task, deps);

    // Assert
    expect(result.status).toBe("diagnosed");
    expect(takePending().join("")).toContain("→ slack: would open thread #1");
    expect([ecsMock.calls(), dynamoMock.calls(), snsMock.calls()].flat()).toEqual([]);
  });
});

/**
 * `ecs-sentinel replay --dry-run examples/events/*.json`: the deployment and service-action examples go
 * through the same flows as the Lambda, with no AWS call at all; review and rollback say what they would do.
 */
import { readdirSync, readFileSync } from "node:fs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { runReplay } from "../../src/cli/replay.js";
import { captureIo } from "../support/cli-io.js";

const ecsMock = mockClient(ECSClient);
const dynamoMock = mockClient(DynamoDBClient);
const snsMock = mockClient(SNSClient);

const DIR = new URL("../../examples/events/", import.meta.url);
const names = readdirSync(DIR)
  .filter((name) => name.endsWith(".json"))
  .sort();
const files = Object.fromEntries(
  names.map((name) => [`examples/events/${name}`, readFileSync(new URL(name, DIR), "utf8")]),
);

beforeEach(() => {
  ecsMock.reset();
  dynamoMock.reset();
  snsMock.reset();
});

async function replayExamples() {
  const io = captureIo({ files });
  const code = await runReplay(["--dry-run", ...Object.keys(files)], io);
  return { code, out: io.out(), err: io.err() };
}

/** The block of output printed for one example file. */
function block(out: string, file: string): string {
  const start = out.indexOf(`${file} ·`);
  const next = out.indexOf("\n━━ ", start);
  return out.slice(start, next < 0 ? undefined : next);
}

describe("replay --dry-run of the examples", () => {
  it("handles every example without an AWS call", async () => {
    const { code, err } = await replayExamples();

    expect(code).toBe(0);
    expect(err).toBe("");
    expect(ecsMock.calls()).toHaveLength(0);
    expect(dynamoMock.calls()).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);
  });

  it("says it would load the service to review a new deployment (02)", async () => {
    const { out } = await replayExamples();

    const text = block(out, "02-api-deployment-in-progress.json");
    expect(text).toContain("api: deployment started");
    expect(text).toContain(
      "→ review: dry run: would load service api (DescribeServices with tags) and the task definition of deployment ecs-svc/4817338263413749021",
    );
  });

  it("reports the crash loop of the third failure (05) with the revision the events show before it", async () => {
    const { out } = await replayExamples();

    const text = block(out, "05-api-crash-3.json");
    expect(text).toContain(
      "→ rollback: dry run: 3 failed tasks of deployment ecs-svc/4817338263413749021 (crash loop)",
    );
    expect(text).toContain("would load service api");
    expect(text).toContain("would roll back service api to task definition api:41");
    expect(text).toContain("Nothing is changed.");
  });

  it("prints the failed deployment (06) and the rollback it would consider", async () => {
    const { out } = await replayExamples();

    const text = block(out, "06-api-deployment-failed.json");
    expect(text).toContain("[CRITICAL] api: deployment failed");
    expect(text).toContain(
      "→ rollback: dry run: deployment ecs-svc/4817338263413749021 failed: would load service api",
    );
    expect(text).toContain("unless the circuit breaker's rollback is on (then ECS rolls back by itself)");
    expect(text).toContain(
      "= SERVICE_DEPLOYMENT_FAILED api (critical); rollback: dry run: would load service api to decide",
    );
  });

  it("prints the placement failure (09) as a service-action message", async () => {
    const { out } = await replayExamples();

    const text = block(out, "09-reports-placement-failure.json");
    expect(text).toContain("[WARNING] reports: cannot place tasks (RESOURCE:MEMORY)");
    expect(text).toContain("= SERVICE_TASK_PLACEMENT_FAILURE reports (warning)");
  });
});

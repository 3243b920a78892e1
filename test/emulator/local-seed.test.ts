/**
 * `ecs-sentinel local-setup --seed` and the README's story run for real against the emulator. The story runs on
 * a second moto that answers as account 111122223333 (MOTO_ACCOUNT_ID), the account of the sample events in
 * examples/events, so that the ARNs they carry resolve — as the README tells a user to start it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetClients } from "../../src/app/aws.js";
import { requireLoopbackEndpoint, SeedRefusedError, seedEmulator } from "../../src/cli/local-seed.js";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";
import { type RunningMotoServer, startMotoServer } from "./support/moto-server.js";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const eventsDir = join(projectRoot, "examples", "events");
const STORY_ACCOUNT = "111122223333";

const ecsAt = (endpoint: string) =>
  new ECSClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });

describe("local-setup --seed on the emulator", () => {
  it("creates the clusters, the task definitions up to the revisions the sample events name, and the services", async () => {
    const ecs = ecsAt(process.env.AWS_ENDPOINT_URL ?? "");

    const result = await seedEmulator(undefined, ecs);

    expect(result.taskDefinitions).toContain("api:42");
    const good = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "api:41" }));
    const bad = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "api:42" }));
    expect(good.taskDefinition?.containerDefinitions?.[0]?.image).toMatch(/api:v1\.18\.3$/);
    expect(bad.taskDefinition?.containerDefinitions?.[0]?.image).toMatch(/api:v1\.19\.0$/);
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: "prod", services: ["api"], include: ["TAGS"] }),
    );
    expect(services?.[0]?.taskDefinition).toMatch(/task-definition\/api:41$/);
    expect(services?.[0]?.tags).toContainEqual({ key: "ecs-sentinel:auto-rollback", value: "true" });
  });

  it("is idempotent: a second run creates nothing and registers no further revisions", async () => {
    const ecs = ecsAt(process.env.AWS_ENDPOINT_URL ?? "");
    await seedEmulator(undefined, ecs);

    const again = await seedEmulator(undefined, ecs);

    expect(again.services.every((service) => !service.created)).toBe(true);
    expect(again.taskDefinitions).toContain("api:42");
    expect(again.taskDefinitions).toContain("web:63");
  });

  it.each([
    [undefined, /set AWS_ENDPOINT_URL/],
    ["https://ecs.us-east-1.amazonaws.com", /not a loopback address/],
    ["http://10.0.0.5:4566", /not a loopback address/],
  ])("refuses to seed when AWS_ENDPOINT_URL is %s", (endpoint, why) => {
    const env = endpoint === undefined ? {} : { AWS_ENDPOINT_URL: endpoint };

    expect(() => requireLoopbackEndpoint(env)).toThrow(SeedRefusedError);
    expect(() => requireLoopbackEndpoint(env)).toThrow(why);
  });

  it("accepts loopback endpoints", () => {
    expect(requireLoopbackEndpoint({ AWS_ENDPOINT_URL: "http://127.0.0.1:4566" })).toBe(
      "http://127.0.0.1:4566",
    );
    expect(requireLoopbackEndpoint({ AWS_ENDPOINT_URL: "http://localhost:4566" })).toBe(
      "http://localhost:4566",
    );
  });

  it("refuses through the CLI before creating anything anywhere", async () => {
    const io = captureIo();
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = "https://ecs.us-east-1.amazonaws.com";
    try {
      const code = await main(["local-setup", "--seed"], io);

      expect(code).toBe(1);
      expect(io.err()).toContain("not a loopback address");
      expect(io.out()).toBe("");
    } finally {
      process.env.AWS_ENDPOINT_URL = saved;
    }
  });
});

describe("the README's story, end to end on a seeded emulator", () => {
  let story: RunningMotoServer;
  const saved = { ...process.env };

  beforeAll(async () => {
    story = await startMotoServer({ projectRoot, env: { MOTO_ACCOUNT_ID: STORY_ACCOUNT } });
    process.env.AWS_ENDPOINT_URL = story.endpoint;
    resetClients();
  }, 60_000);

  afterAll(async () => {
    process.env.AWS_ENDPOINT_URL = saved.AWS_ENDPOINT_URL;
    for (const name of ["STATE_TABLE", "NOTIFY_TOPIC_ARN"]) delete process.env[name];
    resetClients();
    await story?.stop();
  });

  it("seeds, then replays every sample event for real: diagnoses, messages, and a rollback decision the emulator cannot complete", async () => {
    const setupIo = captureIo();
    expect(await main(["local-setup", "--seed"], setupIo)).toBe(0);
    const setup = JSON.parse(setupIo.out()) as { stateTable: string; topicArn: string };
    process.env.STATE_TABLE = setup.stateTable;
    process.env.NOTIFY_TOPIC_ARN = setup.topicArn;
    const files = readdirSync(eventsDir)
      .filter((name) => name.endsWith(".json"))
      .sort()
      .map((name) => join(eventsDir, name));
    const io = captureIo({
      files: Object.fromEntries(files.map((file) => [file, readFileSync(file, "utf8")])),
    });

    const code = await main(["replay", ...files], io);

    const printed = io.out();
    const errors = io.err();
    // Diagnoses of the stopped tasks. moto gives the seeded service deployment ids of its own, so the review
    // of the event's deployment says it could not find it rather than reviewing another revision.
    expect(printed).toContain("01-api-oom-killed.json");
    expect(printed).toContain("= out-of-memory (critical)");
    expect(printed).toContain("= image-pull (critical)");
    expect(printed).toContain("= secrets (critical)");
    expect(printed).toContain("= completed (info)");
    expect(printed).toMatch(
      /SERVICE_DEPLOYMENT_IN_PROGRESS api \(info\); review: api: review of ecs-svc\/4817338263413749021 skipped/,
    );
    // The crash loop (3rd failed task) and the failed deployment reach the rollback decision, which needs the
    // service deployment history: moto 5.1.1 does not implement ListServiceDeployments (HTTP 500), so the
    // decision fails as a transient AWS error would, and replay says which events failed.
    expect(errors).toContain("05-api-crash-3.json");
    expect(errors).toContain("06-api-deployment-failed.json");
    expect(printed).toContain("14 event(s) replayed; 0 dropped, 2 failed");
    expect(code).toBe(1);
  }, 120_000);
});

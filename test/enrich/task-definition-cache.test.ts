import {
  AccessDeniedException,
  ClientException,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ServerException,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { CallCounter, ENRICH_OPERATIONS } from "../../src/shared/enrich/call-counter.js";
import {
  buildTaskDefinitionLoader,
  isImmutableTaskDefinitionRef,
  TASK_DEFINITION_FAILURE_HIT,
} from "../../src/shared/enrich/task-definition-cache.js";
import { diffTaskDefinitions } from "../../src/shared/enrich/task-definition-diff.js";

const arn = (revision: number) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/api:${revision}`;

// Errors shaped as the ECS API reference lists them for DescribeTaskDefinition (HTTP 400 client, 500 server).
const accessDenied = () =>
  new AccessDeniedException({
    message:
      "User: arn:aws:sts::123456789012:assumed-role/sentinel/fn is not authorized to perform: ecs:DescribeTaskDefinition",
    $metadata: { httpStatusCode: 400 },
  });
const notFound = () =>
  new ClientException({ message: "Unable to describe task definition.", $metadata: { httpStatusCode: 400 } });
const serverError = () =>
  new ServerException({ message: "Internal error", $metadata: { httpStatusCode: 500 } });
const throttled = () =>
  Object.assign(new Error("Rate exceeded"), {
    name: "ThrottlingException",
    $metadata: { httpStatusCode: 400 },
    $retryable: { throttling: true },
  });

describe("buildTaskDefinitionLoader", () => {
  const ecs = mockClient(ECSClient);
  const client = new ECSClient({ region: "eu-west-1" });
  let counter: CallCounter;

  beforeEach(() => {
    ecs.reset();
    counter = new CallCounter();
    ecs.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => ({
      taskDefinition: { taskDefinitionArn: input.taskDefinition, family: "api", memory: "512" },
    }));
  });

  it("describes a revision once and answers later lookups from the cache", async () => {
    const load = buildTaskDefinitionLoader(client, { counter });

    const first = await load(arn(3));
    const second = await load(arn(3));

    expect(second).toBe(first);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    expect(counter.snapshot()).toEqual({
      [ENRICH_OPERATIONS.describeTaskDefinition]: 1,
      [ENRICH_OPERATIONS.taskDefinitionCacheHit]: 1,
    });
  });

  it("shares one call between concurrent lookups of the same revision", async () => {
    const load = buildTaskDefinitionLoader(client, { counter });

    await Promise.all([load(arn(1)), load(arn(1)), load(arn(1))]);

    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
  });

  it("evicts the least recently used revision beyond its bound", async () => {
    const load = buildTaskDefinitionLoader(client, { counter, maxEntries: 2 });
    await load(arn(1));
    await load(arn(2));
    await load(arn(1)); // 1 is now more recent than 2

    await load(arn(3)); // evicts 2
    await load(arn(1));
    await load(arn(2));

    expect(
      ecs.commandCalls(DescribeTaskDefinitionCommand).map((call) => call.args[0].input.taskDefinition),
    ).toEqual([arn(1), arn(2), arn(3), arn(2)]);
  });

  it("does not cache a family name, whose latest revision can change", async () => {
    const load = buildTaskDefinitionLoader(client, { counter });

    await load("api");
    await load("api");

    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
  });

  it("remembers an unknown revision for the failure TTL, then asks again", async () => {
    let now = 0;
    ecs.on(DescribeTaskDefinitionCommand).rejects(notFound());
    const load = buildTaskDefinitionLoader(client, { counter, failureTtlMs: 300_000, now: () => now });

    expect(await load(arn(9))).toBeUndefined();
    now = 299_999;
    expect(await load(arn(9))).toBeUndefined();
    now = 300_000;
    await load(arn(9));

    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
  });

  it("answers 1,000 lookups of an undescribable revision with one call and the same reason", async () => {
    ecs.on(DescribeTaskDefinitionCommand).rejects(accessDenied());
    const load = buildTaskDefinitionLoader(client, { counter, now: () => 0 });

    const outcomes = await Promise.allSettled(Array.from({ length: 1000 }, () => load(arn(5))));
    const later = await load(arn(5)).catch((error: unknown) => error);

    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    const reasons = new Set(outcomes.map((o) => (o.status === "rejected" ? String(o.reason) : "resolved")));
    expect([...reasons]).toEqual([String(later)]);
    expect(String(later)).toContain("AccessDeniedException");
    expect(String(later)).toContain("not authorized to perform: ecs:DescribeTaskDefinition");
  });

  it("counts answers from a remembered failure apart from ordinary cache hits", async () => {
    ecs.on(DescribeTaskDefinitionCommand).rejects(accessDenied());
    const load = buildTaskDefinitionLoader(client, { counter, now: () => 0 });

    await load(arn(5)).catch(() => undefined);
    await load(arn(5)).catch(() => undefined);
    await load(arn(5)).catch(() => undefined);

    expect(counter.snapshot()).toEqual({
      [ENRICH_OPERATIONS.describeTaskDefinition]: 1,
      [TASK_DEFINITION_FAILURE_HIT]: 2,
    });
  });

  it("asks ECS again once a remembered failure is older than the TTL", async () => {
    let now = 0;
    ecs
      .on(DescribeTaskDefinitionCommand)
      .rejectsOnce(accessDenied())
      .resolves({ taskDefinition: { family: "api" } });
    const load = buildTaskDefinitionLoader(client, { counter, failureTtlMs: 60_000, now: () => now });

    await expect(load(arn(5))).rejects.toThrow("not authorized");
    now = 59_999;
    await expect(load(arn(5))).rejects.toThrow("not authorized");
    now = 60_000;

    await expect(load(arn(5))).resolves.toEqual({ family: "api" });
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
  });

  it("remembers a failing family name too, though its answer is never kept", async () => {
    ecs.on(DescribeTaskDefinitionCommand).rejects(accessDenied());
    const load = buildTaskDefinitionLoader(client, { counter, now: () => 0 });

    await load("api").catch(() => undefined);
    await load("api").catch(() => undefined);

    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
  });

  it("throws throttling and does not remember it", async () => {
    ecs
      .on(DescribeTaskDefinitionCommand)
      .rejectsOnce(throttled())
      .resolves({ taskDefinition: { family: "api" } });
    const load = buildTaskDefinitionLoader(client, { counter, now: () => 0 });

    await expect(load(arn(4))).rejects.toThrow("Rate exceeded");
    await expect(load(arn(4))).resolves.toEqual({ family: "api" });
  });

  it("asks again on every lookup while ECS answers 5xx", async () => {
    ecs.on(DescribeTaskDefinitionCommand).rejects(serverError());
    const load = buildTaskDefinitionLoader(client, { counter, now: () => 0 });

    for (let i = 0; i < 3; i++) await load(arn(4)).catch(() => undefined);

    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(3);
  });

  it("returns SDK task definitions the diff accepts as they are", async () => {
    const load = buildTaskDefinitionLoader(client, { counter });
    const [before, after] = await Promise.all([load(arn(1)), load(arn(2))]);

    const changes = before && after ? diffTaskDefinitions(before, after) : undefined;

    expect(changes).toEqual([]);
  });
});

describe("isImmutableTaskDefinitionRef", () => {
  it("accepts revision ARNs and family:revision, not a bare family", () => {
    expect(isImmutableTaskDefinitionRef(arn(12))).toBe(true);
    expect(isImmutableTaskDefinitionRef("api:12")).toBe(true);
    expect(isImmutableTaskDefinitionRef("arn:aws:ecs:eu-west-1:123456789012:task-definition/api")).toBe(
      false,
    );
    expect(isImmutableTaskDefinitionRef("api")).toBe(false);
  });
});

import { DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { CallCounter, ENRICH_OPERATIONS } from "../../src/shared/enrich/call-counter.js";
import {
  buildTaskDefinitionLoader,
  isImmutableTaskDefinitionRef,
} from "../../src/shared/enrich/task-definition-cache.js";
import { diffTaskDefinitions } from "../../src/shared/enrich/task-definition-diff.js";

const arn = (revision: number) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/api:${revision}`;

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

  it("returns undefined for an unknown revision and asks again next time", async () => {
    const notFound = new Error("Unable to describe task definition.");
    notFound.name = "ClientException";
    ecs.on(DescribeTaskDefinitionCommand).rejects(notFound);
    const load = buildTaskDefinitionLoader(client, { counter });

    expect(await load(arn(9))).toBeUndefined();
    await load(arn(9));

    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
  });

  it("throws other errors and does not remember them", async () => {
    const throttled = new Error("Rate exceeded");
    throttled.name = "ThrottlingException";
    ecs
      .on(DescribeTaskDefinitionCommand)
      .rejectsOnce(throttled)
      .resolves({ taskDefinition: { family: "api" } });
    const load = buildTaskDefinitionLoader(client, { counter });

    await expect(load(arn(4))).rejects.toThrow("Rate exceeded");
    await expect(load(arn(4))).resolves.toEqual({ family: "api" });
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

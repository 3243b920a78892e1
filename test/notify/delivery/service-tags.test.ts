import { ECSClient, ListTagsForResourceCommand } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { buildServiceTagsLookup } from "../../../src/shared/notify/service-tags.js";
import { recordingLogger } from "./recording-logger.js";

const ARN = "arn:aws:ecs:us-east-1:123456789012:service/prod/api";
const ecs = mockClient(ECSClient);
afterEach(() => ecs.reset());

describe("service tags lookup", () => {
  it("returns the service's tags as a record", async () => {
    ecs.on(ListTagsForResourceCommand).resolves({ tags: [{ key: "ecs-sentinel:mute", value: "scaling" }] });
    const tagsFor = buildServiceTagsLookup(new ECSClient({}));

    expect(await tagsFor(ARN)).toEqual({ "ecs-sentinel:mute": "scaling" });
    expect(ecs.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual({ resourceArn: ARN });
  });

  it("asks ECS once per service within the cache TTL, also for concurrent callers", async () => {
    let now = 0;
    ecs.on(ListTagsForResourceCommand).resolves({ tags: [] });
    const tagsFor = buildServiceTagsLookup(new ECSClient({}), { ttlMs: 60_000, now: () => now });

    await Promise.all([tagsFor(ARN), tagsFor(ARN), tagsFor(ARN)]);
    now = 59_999;
    await tagsFor(ARN);
    now = 60_000;
    await tagsFor(ARN);

    expect(ecs.commandCalls(ListTagsForResourceCommand)).toHaveLength(2);
  });

  it("returns no tags and logs when ECS fails, without throwing", async () => {
    ecs
      .on(ListTagsForResourceCommand)
      .rejects(Object.assign(new Error("no"), { name: "AccessDeniedException" }));
    const logger = recordingLogger();
    const tagsFor = buildServiceTagsLookup(new ECSClient({}), { logger });

    expect(await tagsFor(ARN)).toEqual({});
    expect(logger.text()).toContain("AccessDeniedException");
  });

  it("remembers a failure only briefly", async () => {
    let now = 0;
    ecs.on(ListTagsForResourceCommand).rejectsOnce(new Error("throttled")).resolves({ tags: [] });
    const tagsFor = buildServiceTagsLookup(new ECSClient({}), { failureTtlMs: 1_000, now: () => now });

    await tagsFor(ARN);
    await tagsFor(ARN);
    now = 1_000;
    await tagsFor(ARN);

    expect(ecs.commandCalls(ListTagsForResourceCommand)).toHaveLength(2);
  });

  it("does not call ECS for something that is not a service ARN", async () => {
    const tagsFor = buildServiceTagsLookup(new ECSClient({}));

    expect(await tagsFor("arn:aws:ecs:us-east-1:1:task/prod/abc")).toEqual({});
    expect(ecs.calls()).toHaveLength(0);
  });
});

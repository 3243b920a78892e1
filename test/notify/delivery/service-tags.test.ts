import { AccessDeniedException, ECSClient, ListTagsForResourceCommand } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { buildServiceTagsLookup } from "../../../src/shared/notify/service-tags.js";
import { recordingLogger } from "./recording-logger.js";

const ARN = "arn:aws:ecs:us-east-1:123456789012:service/prod/api";
const ecs = mockClient(ECSClient);
// Errors shaped as the ECS API reference lists them for ListTagsForResource.
const accessDenied = () =>
  new AccessDeniedException({
    message:
      "User: arn:aws:sts::123456789012:assumed-role/sentinel/fn is not authorized to perform: ecs:ListTagsForResource",
    $metadata: { httpStatusCode: 400 },
  });
const throttled = () =>
  Object.assign(new Error("Rate exceeded"), {
    name: "ThrottlingException",
    $metadata: { httpStatusCode: 400 },
    $retryable: { throttling: true },
  });
afterEach(() => ecs.reset());

describe("service tags lookup", () => {
  it("returns the service's tags as a record", async () => {
    ecs.on(ListTagsForResourceCommand).resolves({ tags: [{ key: "ecs-sentinel:mute", value: "scaling" }] });
    const tagsFor = buildServiceTagsLookup(new ECSClient({}));

    expect(await tagsFor(ARN)).toEqual({ "ecs-sentinel:mute": "scaling" });
    expect(ecs.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual({ resourceArn: ARN });
  });

  it("keeps a tag named __proto__ as a tag", async () => {
    ecs.on(ListTagsForResourceCommand).resolves({ tags: [{ key: "__proto__", value: "x" }] });
    const tagsFor = buildServiceTagsLookup(new ECSClient({}));

    const tags = await tagsFor(ARN);

    expect(Object.entries(tags)).toEqual([["__proto__", "x"]]);
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

  it("asks once for 1,000 events of a service whose tags cannot be read, and logs the reason for each", async () => {
    ecs.on(ListTagsForResourceCommand).rejects(accessDenied());
    const logger = recordingLogger();
    const tagsFor = buildServiceTagsLookup(new ECSClient({}), { logger, now: () => 0 });

    for (let i = 0; i < 1000; i++) await tagsFor(ARN);

    expect(ecs.commandCalls(ListTagsForResourceCommand)).toHaveLength(1);
    expect(logger.text().match(/not authorized to perform: ecs:ListTagsForResource/g)).toHaveLength(1000);
  });

  it("asks again once a remembered failure is older than the failure TTL", async () => {
    let now = 0;
    ecs.on(ListTagsForResourceCommand).rejectsOnce(accessDenied()).resolves({ tags: [] });
    const tagsFor = buildServiceTagsLookup(new ECSClient({}), { failureTtlMs: 300_000, now: () => now });

    await tagsFor(ARN);
    now = 299_999;
    await tagsFor(ARN);
    now = 300_000;
    await tagsFor(ARN);

    expect(ecs.commandCalls(ListTagsForResourceCommand)).toHaveLength(2);
  });

  it("does not remember throttling: the next event asks again", async () => {
    ecs
      .on(ListTagsForResourceCommand)
      .rejectsOnce(throttled())
      .resolves({ tags: [{ key: "team", value: "a" }] });
    const tagsFor = buildServiceTagsLookup(new ECSClient({}), { now: () => 0 });

    expect(await tagsFor(ARN)).toEqual({});
    expect(await tagsFor(ARN)).toEqual({ team: "a" });
    expect(ecs.commandCalls(ListTagsForResourceCommand)).toHaveLength(2);
  });

  it("does not call ECS for something that is not a service ARN", async () => {
    const tagsFor = buildServiceTagsLookup(new ECSClient({}));

    expect(await tagsFor("arn:aws:ecs:us-east-1:1:task/prod/abc")).toEqual({});
    expect(ecs.calls()).toHaveLength(0);
  });
});

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  clusterArnFromServiceArn,
  EventParseError,
  parseEcsEvent,
  parseServiceArn,
  parseTask,
  parseTaskDefinitionArn,
  serviceFromGroup,
} from "../../src/shared/events/index.js";

const sharedEvents = join(import.meta.dirname, "../fixtures/ecs-events");
const load = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(sharedEvents, name), "utf8")) as Record<string, unknown>;

const supported = readdirSync(sharedEvents).filter(
  (f) => f.startsWith("task-") || f.startsWith("deployment-") || f.startsWith("service-action-"),
);

describe("parseEcsEvent", () => {
  it.each(supported)("accepts the documented example %s", (file) => {
    const event = parseEcsEvent(load(file));

    expect(event.id).toBeTypeOf("string");
  });

  it("keeps cpu and memory given as strings and turns the string null into undefined", () => {
    const raw = load("task-stopped-scaling-activity-fargate.real.json");
    (raw.detail as Record<string, unknown>).cpu = "null";

    const event = parseEcsEvent(raw);

    expect(event["detail-type"]).toBe("ECS Task State Change");
    if (event["detail-type"] !== "ECS Task State Change") return;
    expect(event.detail.cpu).toBeUndefined();
    expect(event.detail.memory).toBe("512");
    expect(event.detail.containers[0]?.cpu).toBe("0");
  });

  it("accepts a container without an image and keeps unknown fields", () => {
    const raw = load("task-stopped-scaling-activity-ec2.real.json");
    const detail = raw.detail as { containers: Array<Record<string, unknown>> };
    delete detail.containers[0]?.image;
    (raw.detail as Record<string, unknown>).someFutureField = { nested: true };

    const event = parseEcsEvent(raw);

    expect(event.detail).toMatchObject({ someFutureField: { nested: true } });
  });

  it("accepts a service action event without version and without cluster ARN", () => {
    const raw = load("deployment-failed.doc.json");

    const event = parseEcsEvent(raw);

    expect(event["detail-type"]).toBe("ECS Deployment State Change");
    expect(event.detail).toMatchObject({
      eventName: "SERVICE_DEPLOYMENT_FAILED",
      deploymentId: "ecs-svc/123",
    });
  });

  it("names the failing path when a container has no name", () => {
    const raw = load("task-stopped-scaling-activity-fargate.real.json");
    const detail = raw.detail as { containers: Array<Record<string, unknown>> };
    delete detail.containers[0]?.name;

    expect(() => parseEcsEvent(raw)).toThrowError(EventParseError);
    expect(() => parseEcsEvent(raw)).toThrowError(/^detail\.containers\[0\]\.name: /);
  });

  it("rejects an unsupported detail-type with a typed error on the detail-type path", () => {
    const raw = { ...load("container-instance-state-change.doc.json"), "detail-type": "ECS Capacity Change" };

    const error = (() => {
      try {
        parseEcsEvent(raw);
      } catch (e) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(EventParseError);
    expect((error as EventParseError).path).toBe("detail-type");
  });

  it("rejects something that is not an object", () => {
    expect(() => parseEcsEvent("hello")).toThrowError(EventParseError);
    expect(() => parseEcsEvent([1, 2])).toThrowError(EventParseError);
  });
});

describe("parseTask", () => {
  it("turns SDK Date objects and epoch seconds into ISO strings", () => {
    const task = parseTask({
      taskArn: "arn:aws:ecs:us-east-1:111122223333:task/prod/abc",
      stoppedAt: new Date("2024-01-02T03:04:05Z"),
      startedAt: 1704164645,
      containers: [{ name: "web", exitCode: "137" }],
    });

    expect(task.stoppedAt).toBe("2024-01-02T03:04:05.000Z");
    expect(task.startedAt).toBe("2024-01-02T03:04:05.000Z");
    expect(task.containers[0]?.exitCode).toBe(137);
  });

  it("defaults containers to an empty list", () => {
    expect(parseTask({ taskArn: "arn:aws:ecs:us-east-1:1:task/c/t" }).containers).toEqual([]);
  });
});

describe("ARN helpers", () => {
  it("derives the cluster ARN from a new-format service ARN", () => {
    expect(clusterArnFromServiceArn("arn:aws:ecs:us-west-2:111122223333:service/default/servicetest")).toBe(
      "arn:aws:ecs:us-west-2:111122223333:cluster/default",
    );
  });

  it("returns no cluster for an old-format service ARN", () => {
    expect(parseServiceArn("arn:aws:ecs:us-west-2:111122223333:service/servicetest")).toMatchObject({
      service: "servicetest",
      cluster: undefined,
    });
    expect(
      clusterArnFromServiceArn("arn:aws:ecs:us-west-2:111122223333:service/servicetest"),
    ).toBeUndefined();
  });

  it("reads the service from a service group and nothing from a family group", () => {
    expect(serviceFromGroup("service:api")).toBe("api");
    expect(serviceFromGroup("family:nightly")).toBeUndefined();
  });

  it("reads family and revision from a task definition ARN", () => {
    expect(parseTaskDefinitionArn("arn:aws:ecs:us-east-1:1:task-definition/web:42")).toEqual({
      family: "web",
      revision: 42,
    });
  });
});

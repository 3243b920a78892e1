import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";

const fixtures = join(import.meta.dirname, "../fixtures");
const read = (path: string) => readFileSync(join(fixtures, path), "utf8");
const running = read("ecs-events/task-running-fargate.doc.json");
const pending = read("ecs-events/task-pending-fargate-multicontainer.real.json");
const spotNotice = read("stopped-tasks/spot-interruption--fargate-spot-notice.json");
const oom = read("stopped-tasks/out-of-memory--fargate-exit-137.json");
const detailOf = (text: string) => (JSON.parse(text) as { detail: Record<string, unknown> }).detail;

// Adapted from out-of-memory--fargate-exit-137.json: lastStatus STOPPING instead of STOPPED (the same task
// on its way down, before ECS has the final state of its containers).
const stopping: Record<string, unknown> = { ...detailOf(oom), lastStatus: "STOPPING" };

// The DescribeTasks failure shape of the API reference (Failure: arn, reason, detail).
const missing = { arn: "arn:aws:ecs:us-east-1:123456789012:task/prod/abc", reason: "MISSING" };

const jsonLines = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("diagnose: DescribeTasks failures", () => {
  it("reports a MISSING failure with the history suggestion, still diagnoses the tasks beside it, exits 2", async () => {
    const io = captureIo({
      files: { "d.json": JSON.stringify({ tasks: [detailOf(oom)], failures: [missing] }) },
    });

    const code = await main(["diagnose", "--json", "d.json"], io);

    expect(code).toBe(2);
    const [task, failure] = jsonLines(io.out());
    expect(task).toMatchObject({ status: "diagnosed", category: "out-of-memory" });
    expect(failure).toMatchObject({
      taskArn: missing.arn,
      status: "failure",
      reason: "MISSING",
      suggestion: "ecs-sentinel history --cluster prod",
    });
    expect(failure).not.toHaveProperty("category");
    expect(failure).not.toHaveProperty("severity");
  });

  it("reports a response that has only failures instead of printing nothing and exiting 0", async () => {
    const io = captureIo({ files: { "d.json": JSON.stringify({ tasks: [], failures: [missing] }) } });

    const code = await main(["diagnose", "d.json"], io);

    expect(code).toBe(2);
    expect(io.out()).toMatch(/^NOT FOUND MISSING/);
    expect(io.out()).toMatch(/about an hour/);
    expect(io.out()).toContain("ecs-sentinel history --cluster prod");
  });

  it("names another failure reason and its detail", async () => {
    const failure = { ...missing, reason: "ACCESS_DENIED", detail: "not authorized" };
    const io = captureIo({ files: { "d.json": JSON.stringify({ failures: [failure] }) } });

    const code = await main(["diagnose", "--json", "d.json"], io);

    expect(code).toBe(2);
    expect(jsonLines(io.out())[0]).toMatchObject({ reason: "ACCESS_DENIED", detail: "not authorized" });
  });
});

describe("diagnose: tasks that have not stopped", () => {
  it.each([
    ["RUNNING", running, "RUNNING"],
    ["PENDING", pending, "PENDING"],
  ])("reports a %s task as not stopped, without a category, and exits 3", async (_, text, status) => {
    const io = captureIo({ files: { "t.json": text } });

    const code = await main(["diagnose", "--json", "t.json"], io);

    expect(code).toBe(3);
    const [record] = jsonLines(io.out());
    expect(record).toMatchObject({
      taskArn: detailOf(text).taskArn,
      status: "not-stopped",
      lastStatus: status,
      desiredStatus: "RUNNING",
    });
    expect(record?.waitingFor).toBeTypeOf("string");
    expect(record).not.toHaveProperty("category");
    expect(record).not.toHaveProperty("severity");
  });

  it("says in the text report what state the task is in and that there is no stop to diagnose", async () => {
    const io = captureIo({ files: { "t.json": running } });

    await main(["diagnose", "t.json"], io);

    expect(io.out()).toMatch(/^NOT STOPPED \(yet\) RUNNING \(desired RUNNING\)/);
    expect(io.out()).toMatch(/It is running\. There is no stop to diagnose\./);
    expect(io.out()).not.toMatch(/CRITICAL|WARNING|INFO/);
  });

  it("reports a STOPPING task with its stop code and reason so far, not a category", async () => {
    const io = captureIo({ files: { "t.json": JSON.stringify(stopping) } });

    const code = await main(["diagnose", "t.json"], io);

    expect(code).toBe(3);
    expect(io.out()).toMatch(/^NOT STOPPED \(yet\) STOPPING \(desired STOPPED\)/);
    expect(io.out()).toContain(`stopCode: ${String(stopping.stopCode)}`);
    expect(io.out()).toMatch(/look again once it is STOPPED/);
    expect(io.out()).not.toMatch(/out-of-memory/);
  });

  it("still diagnoses the Spot interruption notice of a RUNNING task, as the Lambda does", async () => {
    const io = captureIo({ files: { "t.json": spotNotice } });

    const code = await main(["diagnose", "--json", "t.json"], io);

    expect(code).toBe(0);
    expect(jsonLines(io.out())[0]).toMatchObject({ status: "diagnosed", category: "spot-interruption" });
  });

  it("exits 2, not 3, when a not-stopped task comes with an invalid input", async () => {
    const io = captureIo({ files: { "t.json": running, "bad.json": "{" } });

    const code = await main(["diagnose", "--json", "t.json", "bad.json"], io);

    expect(code).toBe(2);
    expect(jsonLines(io.out())).toHaveLength(1);
  });
});

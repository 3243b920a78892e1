import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";

const sharedEvents = join(import.meta.dirname, "../fixtures/ecs-events");
const scaling = readFileSync(join(sharedEvents, "task-stopped-scaling-activity-fargate.real.json"), "utf8");
const scalingEvent = JSON.parse(scaling) as { detail: Record<string, unknown> };

const oomTask = {
  ...scalingEvent.detail,
  taskArn: "arn:aws:ecs:us-east-1:111122223333:task/prod/0123456789abcdef0123456789abcdef",
  group: "service:api",
  stopCode: "EssentialContainerExited",
  stoppedReason: "Essential container in task exited",
  containers: [
    {
      name: "web",
      lastStatus: "STOPPED",
      exitCode: 137,
      reason: "OutOfMemoryError: Container killed due to memory usage",
    },
  ],
};

const jsonLines = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("ecs-sentinel diagnose", () => {
  it("prints one JSON line per task with the contract fields for an EventBridge event", async () => {
    const io = captureIo({ files: { "event.json": scaling } });

    const code = await main(["diagnose", "--json", "event.json"], io);

    expect(code).toBe(0);
    const [record] = jsonLines(io.out());
    expect(record).toMatchObject({
      taskArn: scalingEvent.detail.taskArn,
      category: "scaling",
      severity: "info",
    });
    for (const field of ["title", "summary"]) expect(record?.[field]).toBeTypeOf("string");
    for (const field of ["remediation", "evidence", "docs"])
      expect(Array.isArray(record?.[field])).toBe(true);
  });

  it("accepts a bare task, a DescribeTasks response and an array, keeping input order", async () => {
    const io = captureIo({
      files: {
        "bare.json": JSON.stringify(oomTask),
        "describe.json": JSON.stringify({ tasks: [oomTask, scalingEvent.detail], failures: [] }),
        "array.json": JSON.stringify([JSON.parse(scaling), oomTask]),
      },
    });

    const code = await main(["diagnose", "--json", "bare.json", "describe.json", "array.json"], io);

    expect(code).toBe(0);
    expect(jsonLines(io.out()).map((r) => r.category)).toEqual([
      "out-of-memory",
      "out-of-memory",
      "scaling",
      "scaling",
      "out-of-memory",
    ]);
  });

  it("reads standard input when no file is given", async () => {
    const io = captureIo({ stdin: JSON.stringify(oomTask) });

    const code = await main(["diagnose", "--json"], io);

    expect(code).toBe(0);
    expect(jsonLines(io.out())[0]?.category).toBe("out-of-memory");
  });

  it("reports an unreadable file in one stderr line, still diagnoses the others and exits 2", async () => {
    const io = captureIo({ files: { "good.json": JSON.stringify(oomTask), "bad.json": "{ not json" } });

    const code = await main(["diagnose", "--json", "missing.json", "bad.json", "good.json"], io);

    expect(code).toBe(2);
    const errLines = io.err().trim().split("\n");
    expect(errLines).toHaveLength(2);
    expect(errLines[0]).toMatch(/missing\.json: no such file/);
    expect(errLines[1]).toMatch(/bad\.json: not JSON/);
    expect(io.err()).not.toMatch(/\n\s+at /);
    expect(jsonLines(io.out())).toHaveLength(1);
  });

  it("names the file and path of an invalid task inside an array and diagnoses the rest", async () => {
    const io = captureIo({
      files: { "mixed.json": JSON.stringify([oomTask, { taskArn: 42 }, { hello: 1 }]) },
    });

    const code = await main(["diagnose", "--json", "mixed.json"], io);

    expect(code).toBe(2);
    expect(io.err()).toMatch(/mixed\.json: \[1\]\.taskArn: /);
    expect(io.err()).toMatch(/mixed\.json: \[2\]: not a task event/);
    expect(jsonLines(io.out())).toHaveLength(1);
  });

  it("rejects an event of another detail-type naming it", async () => {
    const deployment = readFileSync(join(sharedEvents, "deployment-failed.doc.json"), "utf8");
    const io = captureIo({ files: { "d.json": deployment } });

    const code = await main(["diagnose", "d.json"], io);

    expect(code).toBe(2);
    expect(io.err()).toMatch(/"ECS Deployment State Change" is not an ECS Task State Change event/);
  });

  it("prints a readable report without colour when stdout is not a terminal", async () => {
    const io = captureIo({ files: { "bare.json": JSON.stringify(oomTask) } });

    const code = await main(["diagnose", "bare.json"], io);

    expect(code).toBe(0);
    expect(io.out()).toMatch(/^CRITICAL out-of-memory/);
    expect(io.out()).toMatch(/What to do\n\s+1\. /);
    expect(io.out()).not.toContain("\u001b[");
  });

  it("colours the report on a terminal", async () => {
    const io = captureIo({ files: { "bare.json": JSON.stringify(oomTask) }, tty: true });

    await main(["diagnose", "bare.json"], io);

    expect(io.out()).toContain("\u001b[31m");
  });

  it("documents every option in --help", async () => {
    const io = captureIo();

    const code = await main(["diagnose", "--help"], io);

    expect(code).toBe(0);
    for (const option of ["--json", "--cluster", "--task", "FILE|-", "Exit status"])
      expect(io.out()).toContain(option);
  });

  it("exits 2 with a usage hint when --cluster comes without --task", async () => {
    const io = captureIo();

    const code = await main(["diagnose", "--cluster", "prod"], io);

    expect(code).toBe(2);
    expect(io.err()).toMatch(/--cluster and --task go together/);
  });

  it("exits 2 on an unknown option without a stack trace", async () => {
    const io = captureIo();

    const code = await main(["diagnose", "--frobnicate"], io);

    expect(code).toBe(2);
    expect(io.err()).toMatch(/Unknown option '--frobnicate'/);
    expect(io.err()).not.toMatch(/\n\s+at /);
  });
});

/** The CLI never writes ecs-sentinel's own metrics: `replay --dry-run` stays silent even with metrics on. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";

const examples = join(import.meta.dirname, "../../examples/events");
const exampleFiles = readdirSync(examples)
  .filter((f) => f.endsWith(".json"))
  .sort();
const files = Object.fromEntries(exampleFiles.map((f) => [f, readFileSync(join(examples, f), "utf8")]));

describe("replay --dry-run and metrics", () => {
  afterEach(() => {
    delete process.env.ECS_SENTINEL_METRICS;
    vi.restoreAllMocks();
  });

  it("writes no EMF line to stdout or its output when ECS_SENTINEL_METRICS=on", async () => {
    process.env.ECS_SENTINEL_METRICS = "on";
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const io = Object.assign(captureIo({ files }), { env: { ECS_SENTINEL_METRICS: "on" } });

    const code = await main(["replay", "--dry-run", ...exampleFiles], io);

    expect(code).toBe(0);
    expect(io.out()).toMatch(/dry run: nothing sent or changed/);
    expect(io.out()).not.toContain('"_aws"');
    expect(stdout.mock.calls.map(([chunk]) => String(chunk)).join("")).not.toContain('"_aws"');
  });
});

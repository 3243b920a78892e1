/** The task-state Lambda's job hook: a stop that is not a job's passes through without the job side loading. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config.js";
import { jobHooks } from "../../src/app/job-hooks.js";
import type { Diagnosis } from "../../src/shared/diagnosis/types.js";
import { silentLog } from "../../src/shared/log.js";
import { stoppedTaskEvent } from "../flows/support/task-events.js";

const options = { log: silentLog, deadline: () => 30_000 };
const diagnosis = { severity: "critical", category: "out-of-memory" } as Diagnosis;

describe("jobHooks", () => {
  it("has no hook without a state table (no run can be found)", () => {
    expect(jobHooks(loadConfig({}), options)).toEqual([]);
  });

  it("leaves a service's stop to the generic message, reading no run", async () => {
    const [hook] = jobHooks(loadConfig({ STATE_TABLE: "sentinel-state" }), options);

    const result = await hook?.(stoppedTaskEvent({ taskId: "t1" }), diagnosis);

    expect(hook).toBeDefined();
    expect(result).toBeUndefined();
  });
});

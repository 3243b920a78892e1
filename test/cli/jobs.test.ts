import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type JobsCliDeps, runJobs } from "../../src/cli/jobs.js";
import { main } from "../../src/cli/main.js";
import type { EcsTask } from "../../src/shared/events/schemas.js";
import { flowDeps } from "../flows/jobs-support.js";
import { captureIo } from "../support/cli-io.js";

const EXAMPLE = readFileSync("examples/jobs.yml", "utf8");
const NOW = new Date("2025-03-27T12:00:00Z");
const JOB_YML =
  "jobs:\n  - { name: nightly, schedule: cron(0 3 * * ? *), cluster: batch, taskDefinition: app }\n";
const BROKEN = [
  "jobs:",
  "  - name: nightly",
  "    schedule: cron(0 3 * *)",
  "    cluster: batch",
  "  - name: weekly",
  "    schedule: rate(7 days)",
  "    taskDefinition: app",
  "    cluster: batch",
  "    overlap: sometimes",
  "    maxRuntime: forever",
].join("\n");

function task(lastStatus: string, exitCode?: number): EcsTask {
  return {
    taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch/new",
    lastStatus,
    ...(lastStatus === "STOPPED"
      ? { stopCode: "EssentialContainerExited", stoppedReason: "Essential container in task exited" }
      : {}),
    containers: [{ name: "app", ...(exitCode !== undefined ? { exitCode } : {}) }],
  };
}

/** `jobs run` dependencies over fakes; DescribeTasks answers `statuses` in order, the last one repeating. */
function cliDeps(statuses: EcsTask[] = [], options: { abortOnSleep?: boolean } = {}) {
  const flow = flowDeps([]);
  const sleeps: number[] = [];
  let interrupt: (() => void) | undefined;
  let described = 0;
  const deps: JobsCliDeps = {
    now: () => NOW,
    flow: (file) => ({ ...flow.deps, jobs: file.jobs }),
    wait: {
      describeTask: async () => statuses[Math.min(described++, statuses.length - 1)],
      sleep: async (ms) => {
        sleeps.push(ms);
        if (options.abortOnSleep) interrupt?.();
      },
    },
    onInterrupt: (handler) => {
      interrupt = handler;
      return () => {
        interrupt = undefined;
      };
    },
  };
  return { ...flow, deps, sleeps };
}

describe("jobs validate", () => {
  it("exits 0 for a valid file and says how many jobs it holds", async () => {
    const io = captureIo({ files: { "jobs.yml": EXAMPLE } });

    const code = await runJobs(["validate"], io, cliDeps().deps);

    expect(code).toBe(0);
    expect(io.out()).toBe("jobs.yml: 4 job(s) valid, 4 enabled\n");
  });

  it("exits 2 and lists every error, each naming the job and the field", async () => {
    const io = captureIo({ files: { "ops/jobs.yml": BROKEN } });

    const code = await runJobs(["validate", "--file", "ops/jobs.yml"], io, cliDeps().deps);

    expect(code).toBe(2);
    const lines = io.err().trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^jobs\.yml: job "nightly": schedule: invalid cron expression/),
      'jobs.yml: job "nightly": taskDefinition: is required',
      expect.stringMatching(/^jobs\.yml: job "weekly": overlap: /),
      expect.stringMatching(/^jobs\.yml: job "weekly": maxRuntime: /),
      "4 problem(s) found.",
    ]);
  });

  it("exits 2 when the file cannot be read", async () => {
    const io = captureIo();

    const code = await runJobs(["validate", "--file", "missing.yml"], io, cliDeps().deps);

    expect(code).toBe(2);
    expect(io.err()).toContain("missing.yml: cannot read the jobs file (ENOENT)");
  });

  it("names a mistyped jobs command and the nearest one before reading any file", async () => {
    const io = captureIo();

    const code = await main(["jobs", "lst"], io);

    expect(code).toBe(2);
    expect(io.err()).toContain('unknown jobs command "lst". Did you mean "list"?');
    expect(io.err()).not.toContain("cannot read the jobs file");
  });

  it("warns about a Berlin 02:30 schedule and still exits 0", async () => {
    const text =
      "jobs:\n  - { name: nightly, schedule: cron(30 2 * * ? *), timezone: Europe/Berlin, cluster: c, taskDefinition: t }\n";
    const io = captureIo({ files: { "jobs.yml": text } });

    const code = await runJobs(["validate"], io, cliDeps().deps);

    expect(code).toBe(0);
    expect(io.out()).toBe("jobs.yml: 1 job(s) valid, 1 enabled, 1 warning(s)\n");
    expect(io.err()).toBe(
      'warning: jobs.yml: job "nightly": schedule: runs at 02:30 Europe/Berlin: ' +
        "on 2025-03-30 that time does not exist (clocks go 02:00→03:00) and EventBridge Scheduler skips that run; " +
        "on 2025-10-26 that time occurs twice (clocks go 03:00→02:00) and EventBridge Scheduler runs it only once; " +
        "pick a time outside 02:00–03:00 or use UTC\n",
    );
  });

  it("exits 1 on warnings with --strict", async () => {
    const text =
      "jobs:\n  - { name: once, schedule: at(2025-01-01T00:00:00), cluster: c, taskDefinition: t }\n";
    const io = captureIo({ files: { "jobs.yml": text } });

    const code = await runJobs(["validate", "--strict"], io, cliDeps().deps);

    expect(code).toBe(1);
    expect(io.err()).toContain(
      'warning: jobs.yml: job "once": schedule: at(2025-01-01T00:00:00) is in the past',
    );
    expect(io.err()).toContain("--strict: warnings fail the check.");
  });

  it("prints the errors and the warnings of the valid jobs together", async () => {
    const text = [
      "jobs:",
      "  - { name: nightly, schedule: cron(30 2 * * ? *), timezone: Europe/Berlin, cluster: c, taskDefinition: t }",
      "  - { name: weekly, schedule: rate(7 days), cluster: c, taskDefinition: t, maxRunTime: 2h }",
    ].join("\n");
    const io = captureIo({ files: { "jobs.yml": text } });

    const code = await runJobs(["validate"], io, cliDeps().deps);

    expect(code).toBe(2);
    const lines = io.err().trim().split("\n");
    expect(lines).toEqual([
      'jobs.yml: job "weekly": maxRunTime: unknown field; did you mean "maxRuntime"?',
      expect.stringMatching(/^warning: jobs\.yml: job "nightly": schedule: runs at 02:30 Europe\/Berlin/),
      "1 problem(s) found, 1 warning(s).",
    ]);
  });

  it("accepts --strict only for validate", async () => {
    const io = captureIo({ files: { "jobs.yml": JOB_YML } });

    await expect(runJobs(["list", "--strict"], io, cliDeps().deps)).rejects.toThrow(
      '--strict is an option of "jobs validate"',
    );
  });
});

describe("jobs list", () => {
  it("shows each job's next runs in its own time zone", async () => {
    const io = captureIo({ files: { "jobs.yml": EXAMPLE } });

    const code = await runJobs(["list", "--count", "2"], io, cliDeps().deps);

    expect(code).toBe(0);
    // 03:00 Berlin is +01:00 before the switch to summer time on 30 March 2025, +02:00 after.
    expect(io.out()).toContain("nightly-migration  cron(0 3 * * ? *)  Europe/Berlin");
    expect(io.out()).toContain("  next: 2025-03-28T03:00:00+01:00, 2025-03-29T03:00:00+01:00");
    expect(io.out()).toContain("  next: 2025-03-28T01:30:00+01:00, 2025-03-31T01:30:00+02:00");
    expect(io.out()).toContain("  next: 2030-02-01T22:00:00+01:00");
  });

  it("prints JSON Lines with the next runs as instants and local times", async () => {
    const io = captureIo({ files: { "jobs.yml": EXAMPLE } });

    await runJobs(["list", "--json", "--count", "1"], io, cliDeps().deps);

    const jobs = io
      .out()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(jobs.map((job) => job.name)).toEqual([
      "nightly-migration",
      "spot-report-batch",
      "hourly-cache-warmup",
      "backfill-orders-2029",
    ]);
    expect(jobs[0]).toMatchObject({
      timezone: "Europe/Berlin",
      nextRuns: [{ at: "2025-03-28T02:00:00.000Z", local: "2025-03-28T03:00:00+01:00" }],
    });
  });
});

describe("jobs run", () => {
  it("starts the job through the run-job use case and prints the task", async () => {
    const io = captureIo({ files: { "jobs.yml": JOB_YML } });
    const { deps, ecs } = cliDeps();

    const code = await runJobs(["run", "nightly"], io, deps);

    expect(code).toBe(0);
    expect(ecs.runTaskCalls[0]?.startedBy).toBe("job/nightly");
    expect(io.out()).toMatch(/^nightly: started arn:aws:ecs:eu-west-1:123456789012:task\/batch\/new \(/);
  });

  it("with --wait follows the task, prints each status and exits with the essential container's code", async () => {
    const io = captureIo({ files: { "jobs.yml": JOB_YML } });
    const { deps, sleeps } = cliDeps([
      task("PROVISIONING"),
      task("RUNNING"),
      task("RUNNING"),
      task("STOPPED", 3),
    ]);

    const code = await runJobs(["run", "nightly", "--wait"], io, deps);

    expect(code).toBe(3);
    expect(io.out()).toContain(
      [
        "  PROVISIONING",
        "  RUNNING",
        "  STOPPED (EssentialContainerExited: Essential container in task exited)",
        "nightly: failed: container app exited with code 3",
        "exit code 3 (container app)",
      ].join("\n"),
    );
    expect(sleeps).toEqual([2000, 3000, 4500]);
  });

  it("stops waiting on Ctrl-C without stopping the task, and exits 130", async () => {
    const io = captureIo({ files: { "jobs.yml": JOB_YML } });
    const { deps, ecs } = cliDeps([task("RUNNING")], { abortOnSleep: true });

    const code = await runJobs(["run", "nightly", "--wait"], io, deps);

    expect(code).toBe(130);
    expect(ecs.stopCalls).toEqual([]);
    expect(io.err()).toContain("stopped waiting; the task keeps running");
  });

  it("exits 1 when the run is skipped because the previous one still runs", async () => {
    const io = captureIo({ files: { "jobs.yml": JOB_YML } });
    const { deps, ecs } = cliDeps();
    ecs.running = [{ taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/batch/old", lastStatus: "RUNNING" }];

    const code = await runJobs(["run", "nightly"], io, deps);

    expect(code).toBe(1);
    expect(io.out()).toMatch(/^nightly: skipped: previous run old .*overlap is "skip"/);
  });

  it("exits 2 for a job the file does not have, naming those it has", async () => {
    const io = captureIo({ files: { "jobs.yml": JOB_YML } });

    const code = await main(["jobs", "run", "weekly"], io);

    expect(code).toBe(2);
    expect(io.err()).toContain('no job "weekly" in jobs.yml (jobs: nightly)');
  });
});

describe("jobs --help", () => {
  it("documents every subcommand and option", async () => {
    const io = captureIo();

    const code = await main(["jobs", "--help"], io);

    expect(code).toBe(0);
    for (const word of [
      "list",
      "validate",
      "run NAME",
      "--file",
      "--json",
      "--wait",
      "--force",
      "Exit status",
    ]) {
      expect(io.out()).toContain(word);
    }
  });
});

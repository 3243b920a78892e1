/**
 * Jobs in member accounts (issue 17): each job's ECS calls go through the port of its own account and region,
 * and a job whose account is refused is recorded and reported as failed to start with nothing started.
 */
import { describe, expect, it } from "vitest";
import { handleRunJob, type JobsFlowDeps, startJob } from "../../src/shared/flows/job-run.js";
import { handleWatchdog } from "../../src/shared/flows/job-watchdog.js";
import type { JobSpec } from "../../src/shared/jobs/types.js";
import { flowDeps } from "../flows/jobs-support.js";
import { FakeEcs } from "./fakes.js";
import { makeJob } from "./fixtures.js";

const MEMBER = "111111111111";
const MEMBER_TASK = `arn:aws:ecs:eu-west-1:${MEMBER}:task/batch/member-task`;
const hubJob = makeJob({ name: "hub-report" });
const memberJob = makeJob({ name: "member-migrate", account: MEMBER, maxRuntimeSeconds: 3600 });
const refusedJob = makeJob({ name: "foreign-job", account: "999999999999" });

/** The hub's port for jobs without an account, the member's for the member's jobs. */
function twoAccounts(jobs: JobSpec[], overrides: Partial<JobsFlowDeps> = {}) {
  const member = new FakeEcs();
  member.runTaskAnswers = [{ taskArn: MEMBER_TASK, failures: [] }];
  const asked: string[] = [];
  const built = flowDeps(jobs, {
    ecsFor: (job) => {
      asked.push(job.name);
      return job.account === MEMBER ? member : built.ecs;
    },
    refusalFor: (job) =>
      job.account === "999999999999" ? "account 999999999999 is not among the allowed accounts" : undefined,
    ...overrides,
  });
  return { ...built, hub: built.ecs, member, asked };
}

describe("jobs in member accounts", () => {
  it("starts a member account's job through that account's port only", async () => {
    const { deps, hub, member } = twoAccounts([hubJob, memberJob]);

    const result = await handleRunJob({ job: "member-migrate" }, deps);

    expect(result.status).toBe("done");
    expect(member.listCalls).toEqual([{ cluster: "batch", startedBy: "job/member-migrate" }]);
    expect(member.runTaskCalls).toHaveLength(1);
    expect(hub.listCalls).toEqual([]);
    expect(hub.runTaskCalls).toEqual([]);
  });

  it("records the member's task, so its completion finds the run by that task", async () => {
    const { deps, store } = twoAccounts([memberJob]);

    await handleRunJob({ job: "member-migrate" }, deps);

    expect(await store.findRunByTask(MEMBER_TASK)).toMatchObject({
      job: "member-migrate",
      status: "running",
      taskArn: MEMBER_TASK,
    });
  });

  it("keeps a job without an account on the hub's port", async () => {
    const { deps, hub, member } = twoAccounts([hubJob, memberJob]);

    await handleRunJob({ job: "hub-report" }, deps);

    expect(hub.runTaskCalls).toHaveLength(1);
    expect(member.listCalls).toEqual([]);
    expect(member.runTaskCalls).toEqual([]);
  });

  it("resolves the task definition and the service network in the member account", async () => {
    const job = makeJob({
      name: "member-migrate",
      account: MEMBER,
      network: { kind: "from-service", service: "api" },
    });
    const { deps, hub, member } = twoAccounts([job]);
    member.serviceNetworks.api = { subnets: ["subnet-member"], securityGroups: ["sg-member"] };

    const result = await startJob(job, deps);

    expect(result.status).toBe("done");
    expect(member.runTaskCalls[0]?.networkConfiguration?.awsvpcConfiguration?.subnets).toEqual([
      "subnet-member",
    ]);
    expect(hub.runTaskCalls).toEqual([]);
  });

  it("refuses a job of an account that is not allowed: recorded and reported, nothing read or started", async () => {
    const { deps, hub, member, store, notify, asked } = twoAccounts([refusedJob]);

    const result = await handleRunJob({ job: "foreign-job", executionId: "exec-1" }, deps);

    expect(result).toMatchObject({ status: "done", result: { action: "failed-to-start" } });
    const [run] = await store.recentRuns("foreign-job", 1);
    expect(run).toMatchObject({
      status: "failed-to-start",
      reason: "refused: account 999999999999 is not among the allowed accounts",
    });
    expect(notify.sent.map((sent) => sent.message.category)).toEqual(["job-failed-to-start"]);
    expect(notify.sent[0]?.message.cause).toContain("account 999999999999 is not among the allowed accounts");
    expect([...hub.runTaskCalls, ...member.runTaskCalls, ...hub.listCalls, ...member.listCalls]).toEqual([]);
    expect(asked).toEqual([]);
  });

  it("answers a second delivery of a refused execution with nothing", async () => {
    const { deps, notify } = twoAccounts([refusedJob]);
    await handleRunJob({ job: "foreign-job", executionId: "exec-1" }, deps);

    const again = await handleRunJob({ job: "foreign-job", executionId: "exec-1" }, deps);

    expect(again).toMatchObject({ status: "dropped", duplicate: { executionId: "exec-1" } });
    expect(notify.sent).toHaveLength(1);
  });

  it("plans a dry run with the member account's reads", async () => {
    const { deps, hub, member } = twoAccounts([memberJob], { dryRun: true });

    const result = await startJob(memberJob, deps);

    expect(result).toMatchObject({ status: "dry-run", plan: { action: "run" } });
    expect(member.listCalls).toHaveLength(1);
    expect(hub.listCalls).toEqual([]);
    expect(member.runTaskCalls).toEqual([]);
  });

  it("plans a refused job's dry run as failed to start without reading ECS", async () => {
    const { deps, hub } = twoAccounts([refusedJob], { dryRun: true });

    const result = await startJob(refusedJob, deps);

    expect(result).toMatchObject({
      status: "dry-run",
      plan: { action: "failed-to-start", reason: expect.stringContaining("refused: account 999999999999") },
    });
    expect(hub.listCalls).toEqual([]);
  });
});

describe("the watchdog with jobs in member accounts", () => {
  const overdue = {
    taskArn: MEMBER_TASK,
    lastStatus: "RUNNING",
    desiredStatus: "RUNNING",
    startedAt: new Date("2025-03-10T01:00:00Z"),
  };
  const sweep = async () => ({ digests: [], failed: 0, deferred: 0 });

  it("lists and stops an overdue member task through the member's port", async () => {
    const { deps, hub, member } = twoAccounts([
      memberJob,
      makeJob({ name: "hub-report", maxRuntimeSeconds: 60 }),
    ]);
    member.running = [overdue];

    const result = await handleWatchdog({ ...deps, sweepDigests: sweep });

    expect(result.stopped.map((stop) => [stop.job, stop.taskArn])).toEqual([["member-migrate", MEMBER_TASK]]);
    expect(member.stopCalls.map((call) => call.taskArn)).toEqual([MEMBER_TASK]);
    expect(hub.listCalls).toEqual([{ cluster: "batch", startedBy: "job/hub-report" }]);
    expect(hub.stopCalls).toEqual([]);
  });

  it("under DRY_RUN stops nothing in the member account either", async () => {
    const { deps, member } = twoAccounts([memberJob], { dryRun: true });
    member.running = [overdue];

    const result = await handleWatchdog({ ...deps, sweepDigests: sweep });

    expect(result.wouldStop.map((stop) => stop.taskArn)).toEqual([MEMBER_TASK]);
    expect(member.stopCalls).toEqual([]);
  });

  it("does not look at the tasks of a refused job", async () => {
    const job = makeJob({ name: "foreign-job", account: "999999999999", maxRuntimeSeconds: 60 });
    const { deps, hub, asked } = twoAccounts([job]);
    hub.running = [overdue];

    const result = await handleWatchdog({ ...deps, sweepDigests: sweep });

    expect(result.stopped).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(hub.listCalls).toEqual([]);
    expect(asked).toEqual([]);
  });
});

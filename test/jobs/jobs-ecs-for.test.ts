/** The composition of a job's ECS port (src/app/jobs.ts): hub, member account or region, or refused. */
import { ECSClient } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config.js";
import { JobAccountRefusedError, jobAccountRefusal, jobsEcsFor } from "../../src/app/jobs.js";
import type { Scope, ScopedClients } from "../../src/app/member-access.js";
import { FakeEcs } from "./fakes.js";
import { makeJob } from "./fixtures.js";

const HUB = "123456789012";
const MEMBER = "111111111111";

const hubConfig = loadConfig({
  AWS_REGION: "eu-west-1",
  HUB_ACCOUNT_ID: HUB,
  ALLOWED_ACCOUNTS: MEMBER,
  MEMBER_EXTERNAL_ID: "external-id-for-tests",
});

function recordingClients() {
  const scopes: Scope[] = [];
  const clientsFor = (scope: Scope): ScopedClients => {
    scopes.push(scope);
    return { ecs: new ECSClient({ region: scope.region ?? "eu-west-1" }) } as ScopedClients;
  };
  return { scopes, clientsFor };
}

describe("jobsEcsFor", () => {
  it("gives jobs that name neither account nor region, or the hub's own, the hub's port", () => {
    const hub = new FakeEcs();
    const { scopes, clientsFor } = recordingClients();
    const ecsFor = jobsEcsFor(hubConfig, hub, clientsFor);

    const ports = [makeJob(), makeJob({ account: HUB, region: "eu-west-1" })].map(ecsFor);

    expect(ports).toEqual([hub, hub]);
    expect(scopes).toEqual([]);
  });

  it("builds one port per member account and region, over that scope's clients", () => {
    const hub = new FakeEcs();
    const { scopes, clientsFor } = recordingClients();
    const ecsFor = jobsEcsFor(hubConfig, hub, clientsFor);

    const first = ecsFor(makeJob({ name: "a", account: MEMBER }));
    const again = ecsFor(makeJob({ name: "b", account: MEMBER }));
    const otherRegion = ecsFor(makeJob({ name: "c", account: MEMBER, region: "us-east-1" }));
    const hubOtherRegion = ecsFor(makeJob({ name: "d", region: "us-east-1" }));

    expect(first).toBe(again);
    expect(otherRegion).not.toBe(first);
    expect(first).not.toBe(hub);
    expect(scopes).toEqual([
      { account: MEMBER, region: "eu-west-1" },
      { account: MEMBER, region: "us-east-1" },
      { account: HUB, region: "us-east-1" },
    ]);
    expect(hubOtherRegion).not.toBe(hub);
  });

  it("throws JobAccountRefusedError for a job of an account that is not allowed", () => {
    const ecsFor = jobsEcsFor(hubConfig, new FakeEcs(), recordingClients().clientsFor);

    expect(() => ecsFor(makeJob({ account: "999999999999" }))).toThrow(JobAccountRefusedError);
  });
});

describe("jobAccountRefusal", () => {
  it("allows the hub's own account, an allowed member and a job without an account", () => {
    const jobs = [makeJob(), makeJob({ account: HUB }), makeJob({ account: MEMBER })];

    expect(jobs.map((job) => jobAccountRefusal(hubConfig, job))).toEqual([undefined, undefined, undefined]);
  });

  it("names the job and the account that is not allowed", () => {
    expect(jobAccountRefusal(hubConfig, makeJob({ name: "sync", account: "999999999999" }))).toBe(
      "job sync runs in account 999999999999, which this deployment does not act for (ALLOWED_ACCOUNTS)",
    );
  });

  it("refuses any account when HUB_ACCOUNT_ID is not set, rather than guess which account is the hub's", () => {
    const local = loadConfig({ AWS_REGION: "eu-west-1" });

    expect(jobAccountRefusal(local, makeJob({ name: "sync", account: MEMBER }))).toContain(
      "HUB_ACCOUNT_ID is not set",
    );
    expect(jobAccountRefusal(local, makeJob({ region: "us-east-1" }))).toBeUndefined();
  });

  it("refuses a member account in a single-account deployment (ALLOWED_ACCOUNTS not set)", () => {
    const single = loadConfig({ AWS_REGION: "eu-west-1", HUB_ACCOUNT_ID: HUB });

    expect(jobAccountRefusal(single, makeJob({ account: MEMBER }))).toContain("does not act for");
  });
});

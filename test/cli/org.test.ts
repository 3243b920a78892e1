/**
 * `ecs-sentinel org check` with fakes: which accounts and regions it checks, how a failed probe of the member role
 * is named (STS's AccessDenied answered through aws-sdk-client-mock, shaped as STS answers it), when events count
 * as arriving, and the lines, JSON and exit status.
 */
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { memberCredentials } from "../../src/app/member-access.js";
import { runOrg } from "../../src/cli/org.js";
import { eventsVerdict, planChecks, roleFailure } from "../../src/cli/org-check.js";
import { memoryAccountSeen } from "../../src/shared/accounts/last-seen-memory.js";
import { captureIo } from "../support/cli-io.js";

const HUB = "123456789012";
const PROD = "111111111111";
const STAGING = "222222222222";
const SANDBOX = "333333333333";
const NOW = Date.UTC(2026, 0, 2, 12, 0, 0);
const HOUR = 3_600_000;

const env = {
  HUB_ACCOUNT_ID: HUB,
  AWS_REGION: "us-east-1",
  ALLOWED_ACCOUNTS: `${PROD},${STAGING}`,
  MEMBER_EXTERNAL_ID: "org-external-id",
  ACCOUNT_NAMES: `${PROD}=prod,${STAGING}=staging`,
};

describe("planChecks", () => {
  const base = {
    hubAccount: HUB,
    givenAccounts: [],
    givenRegions: [],
    defaultRegion: "us-east-1",
    seen: [],
  };

  it("checks every listed account in the regions it sent events from, else the default region", () => {
    const plan = planChecks({
      ...base,
      allowed: { kind: "list", accounts: [PROD, STAGING] },
      seen: [
        { account: PROD, region: "eu-west-1", lastEventAt: NOW },
        { account: PROD, region: "us-east-1", lastEventAt: NOW },
      ],
    });

    expect(plan.targets).toEqual([
      { account: PROD, region: "eu-west-1" },
      { account: PROD, region: "us-east-1" },
      { account: STAGING, region: "us-east-1" },
    ]);
    expect(plan.refused).toEqual([]);
  });

  it("with `organization`, checks the accounts that sent events plus those given, never the hub's own", () => {
    const plan = planChecks({
      ...base,
      allowed: { kind: "organization" },
      givenAccounts: [SANDBOX],
      seen: [
        { account: PROD, region: "us-east-1", lastEventAt: NOW },
        { account: HUB, region: "us-east-1", lastEventAt: NOW },
      ],
    });

    expect(plan.targets.map((t) => t.account)).toEqual([PROD, SANDBOX]);
  });

  it("checks only the regions given with --region", () => {
    const plan = planChecks({
      ...base,
      allowed: { kind: "list", accounts: [PROD] },
      givenRegions: ["ap-southeast-2"],
      seen: [{ account: PROD, region: "us-east-1", lastEventAt: NOW }],
    });

    expect(plan.targets).toEqual([{ account: PROD, region: "ap-southeast-2" }]);
  });

  it("refuses a given account that ALLOWED_ACCOUNTS does not list, with the reason", () => {
    const plan = planChecks({
      ...base,
      allowed: { kind: "list", accounts: [PROD] },
      givenAccounts: [SANDBOX],
    });

    expect(plan.refused).toEqual([
      { account: SANDBOX, reason: `account ${SANDBOX} is not among the allowed accounts (ALLOWED_ACCOUNTS)` },
    ]);
  });
});

describe("roleFailure", () => {
  it("names STS's AccessDenied as a refused role: trust policy, external id or missing member stack", async () => {
    const sts = new STSClient({
      region: "us-east-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
    mockClient(sts)
      .on(AssumeRoleCommand)
      .rejects(
        Object.assign(
          new Error(
            `User: arn:aws:sts::${HUB}:assumed-role/hub/fn is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${PROD}:role/ecs-sentinel-member`,
          ),
          { name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 } },
        ),
      );
    const credentials = memberCredentials(
      { roleName: "ecs-sentinel-member", externalId: "x", sessionName: "test" },
      async () => sts,
    );

    const error = await credentials(PROD)().catch((e: unknown) => e);
    const verdict = roleFailure(error);

    expect(verdict).toMatchObject({ ok: false, problem: "role refused" });
    expect(verdict.ok ? "" : verdict.why).toMatch(/trust policy.*external id.*member stack/);
  });

  it("names a region STS is not enabled in, and credentials a region rejects, as a disabled region", async () => {
    const sts = new STSClient({
      region: "us-east-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
    mockClient(sts)
      .on(AssumeRoleCommand)
      .rejects(
        Object.assign(new Error("STS is not activated in this region"), { name: "RegionDisabledException" }),
      );
    const credentials = memberCredentials({ roleName: "r", sessionName: "s" }, async () => sts);

    const disabled = roleFailure(await credentials(PROD)().catch((e: unknown) => e));
    const rejected = roleFailure(
      Object.assign(new Error("The security token included in the request is invalid"), {
        name: "UnrecognizedClientException",
      }),
    );

    expect(disabled).toMatchObject({ ok: false, problem: "region disabled" });
    expect(rejected).toMatchObject({ ok: false, problem: "region disabled" });
  });

  it("names throttling, and an ECS AccessDenied after the role was assumed", () => {
    const throttled = roleFailure(Object.assign(new Error("Rate exceeded"), { name: "Throttling" }));
    const denied = roleFailure(Object.assign(new Error("not authorized"), { name: "AccessDeniedException" }));

    expect(throttled).toMatchObject({ ok: false, problem: "throttled" });
    expect(denied).toMatchObject({ ok: false, problem: "role lacks permissions" });
  });
});

describe("eventsVerdict", () => {
  it("is fine for an event within the stale limit, and says how long ago", () => {
    expect(eventsVerdict(NOW - 12 * 60_000, NOW, 24 * HOUR)).toEqual({
      ok: true,
      lastEventAt: NOW - 12 * 60_000,
      why: "last event 12 min ago",
    });
  });

  it("flags an account with no event, and one older than the stale limit", () => {
    expect(eventsVerdict(undefined, NOW, 24 * HOUR)).toMatchObject({
      ok: false,
      why: /no event has reached/,
    });
    expect(eventsVerdict(NOW - 3 * 24 * HOUR, NOW, 24 * HOUR)).toMatchObject({
      ok: false,
      why: "last event 3 d ago, longer than 24 h",
    });
  });
});

describe("runOrg", () => {
  function ioWith(extra: Record<string, string> = {}) {
    return Object.assign(captureIo(), { env: { ...env, ...extra } });
  }

  it("prints a ✓ line per account and region and exits 0 when every role works and events arrive", async () => {
    const seen = memoryAccountSeen();
    await seen.record(PROD, "us-east-1", NOW - HOUR);
    await seen.record(STAGING, "us-east-1", NOW - 5 * 60_000);
    const probed: string[] = [];
    const io = ioWith();

    const code = await runOrg(["check"], io, {
      seen,
      now: () => NOW,
      probe: async ({ account, region }) => {
        probed.push(`${account}/${region}`);
      },
    });

    expect(code).toBe(0);
    expect(probed).toEqual([`${PROD}/us-east-1`, `${STAGING}/us-east-1`]);
    expect(io.out()).toBe(
      [
        `✓ prod (${PROD}) us-east-1  role OK · last event 60 min ago`,
        `✓ staging (${STAGING}) us-east-1  role OK · last event 5 min ago`,
        "",
      ].join("\n"),
    );
  });

  it("exits 1 with ✗ and why for a refused role and for an account that never sent events", async () => {
    const seen = memoryAccountSeen();
    await seen.record(PROD, "us-east-1", NOW - HOUR);
    const io = ioWith();

    const code = await runOrg(["check"], io, {
      seen,
      now: () => NOW,
      probe: async ({ account }) => {
        if (account === PROD) throw Object.assign(new Error("Rate exceeded"), { name: "Throttling" });
      },
    });

    expect(code).toBe(1);
    const [prod, staging] = io.out().trim().split("\n");
    expect(prod).toBe(
      `✗ prod (${PROD}) us-east-1  throttled: Throttling: try again in a minute · last event 60 min ago`,
    );
    expect(staging).toMatch(
      new RegExp(`^✗ staging \\(${STAGING}\\) us-east-1  role OK · no event has reached the hub`),
    );
  });

  it("prints one JSON document with each account's role and events verdicts", async () => {
    const seen = memoryAccountSeen();
    await seen.record(PROD, "us-east-1", NOW - 30 * HOUR);
    const io = ioWith({ ALLOWED_ACCOUNTS: PROD });

    const code = await runOrg(["check", "--json", "--stale", "2d"], io, {
      seen,
      now: () => NOW,
      probe: async () => {},
    });

    expect(code).toBe(0);
    expect(JSON.parse(io.out())).toEqual({
      ok: true,
      checkedAt: new Date(NOW).toISOString(),
      staleAfter: "2d",
      results: [
        {
          account: PROD,
          name: "prod",
          region: "us-east-1",
          ok: true,
          role: { ok: true },
          events: {
            ok: true,
            lastEventAt: new Date(NOW - 30 * HOUR).toISOString(),
            why: "last event 30 h ago",
          },
        },
      ],
      refused: [],
    });
  });

  it("takes --account repeated or comma-separated, and says so when nothing is left to check", async () => {
    const organization = ioWith({ ALLOWED_ACCOUNTS: "organization" });
    const probed: string[] = [];

    const code = await runOrg(
      ["check", "--account", `${PROD},${STAGING}`, "--account", SANDBOX],
      organization,
      {
        seen: memoryAccountSeen(),
        now: () => NOW,
        probe: async ({ account }) => {
          probed.push(account);
        },
      },
    );
    const empty = ioWith({ ALLOWED_ACCOUNTS: "organization" });
    const emptyCode = await runOrg(["check"], empty, { seen: memoryAccountSeen(), probe: async () => {} });

    expect(code).toBe(1);
    expect(probed).toEqual([PROD, STAGING, SANDBOX]);
    expect(emptyCode).toBe(1);
    expect(empty.out()).toMatch(/^No member accounts to check/);
  });

  it("refuses wrong usage: another subcommand, a bad --stale, a malformed account, no HUB_ACCOUNT_ID", async () => {
    const deps = { seen: memoryAccountSeen(), probe: async () => {} };

    await expect(runOrg(["status"], ioWith(), deps)).rejects.toThrow(/expected "org check"/);
    await expect(runOrg(["check", "--stale", "soon"], ioWith(), deps)).rejects.toThrow(/--stale must be/);
    await expect(runOrg(["check", "--account", "prod"], ioWith(), deps)).rejects.toThrow(/12-digit/);
    await expect(runOrg(["check"], ioWith({ HUB_ACCOUNT_ID: "" }), deps)).rejects.toThrow(/HUB_ACCOUNT_ID/);
  });
});

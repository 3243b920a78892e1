import { describe, expect, it } from "vitest";
import type { PauseActionResult } from "../../src/shared/flows/paused-deployment-action.js";
import type { RollbackRequest, RollbackRun } from "../../src/shared/flows/rollback-runner.js";
import { silentLog } from "../../src/shared/log.js";
import { approverCheck } from "../../src/shared/slack-actions/approvers.js";
import { memoryActionStore } from "../../src/shared/slack-actions/memory-store.js";
import type { RecordOptions, SlackRecorder } from "../../src/shared/slack-actions/recorder.js";
import { actionService } from "../../src/shared/slack-actions/service.js";
import type { ClaimRecord } from "../../src/shared/slack-actions/store.js";
import type { ClickedAction } from "../../src/shared/slack-actions/types.js";
import type { BotWorkspaceLookup } from "../../src/shared/slack-actions/workspace.js";

const SERVICE = "arn:aws:ecs:us-east-1:111122223333:service/prod/api";
const OTHER = "arn:aws:ecs:us-east-1:111122223333:service/prod/billing";
const T0 = Date.parse("2026-12-02T10:00:00Z");
const APPROVER = "U0APPROVER";
const TEAM = "T0OURTEAM1";

function setup(
  options: {
    tags?: Record<string, Record<string, string>>;
    groups?: Record<string, string[]>;
    rollbackRun?: RollbackRun;
    pause?: PauseActionResult;
    botWorkspace?: BotWorkspaceLookup;
  } = {},
) {
  const store = memoryActionStore();
  const rollbacks: RollbackRequest[] = [];
  const recorded: Array<{ claim: ClaimRecord; options: RecordOptions }> = [];
  const reruns: Array<{ job: string; by: string }> = [];
  const pauses: Array<{ action: string; hookId: string; serviceDeploymentArn: string }> = [];
  const recorder: SlackRecorder = {
    record: async (claim, opts) => void recorded.push({ claim, options: opts }),
  };
  const rollback = async (request: RollbackRequest): Promise<RollbackRun> => {
    rollbacks.push(request);
    if (options.rollbackRun) return options.rollbackRun;
    return {
      summary: "rollback rollback (UpdateService done): rolling back to api:41",
      outcome: { status: "done", api: "UpdateService", taskDefinition: "api:41" },
    };
  };
  const service = actionService({
    store,
    botWorkspace: options.botWorkspace ?? (async () => ({ kind: "team", teamId: TEAM })),
    isApprover: approverCheck({
      approvers: [APPROVER, "S0ONCALL"],
      tagsFor: async (arn) => options.tags?.[arn] ?? {},
      groupMembers: async (group) => options.groups?.[group] ?? [],
    }),
    rollback,
    rerun: async (job, by) => {
      reruns.push({ job, by });
      return { started: true, summary: `run of ${job} started` };
    },
    decidePause: async (request) => {
      pauses.push(request);
      return (
        options.pause ?? {
          status: "done",
          result: `continued: ECS ContinueServiceDeployment ${request.action} accepted`,
        }
      );
    },
    recorder,
    log: silentLog,
    clock: () => T0,
  });
  return { store, service, rollbacks, recorded, reruns, pauses };
}

async function offerRollback(store: ReturnType<typeof memoryActionStore>, serviceArn = SERVICE) {
  await store.recordOffer({
    channel: "C0ALERTS01",
    ts: "1765000000.000200",
    threadKey: `deployment#${serviceArn}#ecs-svc/1`,
    parentTs: "1765000000.000100",
    actions: [
      { kind: "rollback", subject: { serviceArn, deploymentId: "ecs-svc/1", toTaskDefinition: "api:41" } },
    ],
    payload: { text: "rollback declined", blocks: [] },
    at: T0 - 60_000,
  });
}

const click = (overrides: Partial<ClickedAction> = {}): ClickedAction => ({
  kind: "rollback",
  value: "rollback",
  userId: APPROVER,
  teamId: TEAM,
  userTeamId: TEAM,
  channel: "C0ALERTS01",
  messageTs: "1765000000.000200",
  ...overrides,
});

describe("the Slack action service", () => {
  it("claims an approver's click and rolls back through the policy with a manual trigger, on the record", async () => {
    const { store, service, rollbacks, recorded } = setup();
    await offerRollback(store);

    const decision = await service.decide(click());
    if (decision.execute) await service.execute(decision.execute);

    expect(decision.reply).toMatch(/^Rolling back api…/);
    expect(rollbacks).toEqual([
      {
        trigger: { kind: "manual", deploymentId: "ecs-svc/1", by: APPROVER },
        serviceArn: SERVICE,
        now: new Date(T0),
      },
    ]);
    const claim = await store.claimById(decision.execute?.claimId ?? "");
    expect(claim).toMatchObject({ status: "done", by: { id: APPROVER }, kind: "rollback" });
    expect(recorded[0]?.options).toMatchObject({ reply: false, nextButtons: [] });
  });

  it("acts once for a double click, a retried request or two approvers, and says who did it", async () => {
    const { store, service, rollbacks } = setup({ groups: { S0ONCALL: ["U0SECOND"] } });
    await offerRollback(store);

    const decisions = await Promise.all([
      service.decide(click()),
      service.decide(click()),
      service.decide(click({ userId: "U0SECOND" })),
    ]);
    for (const decision of decisions) if (decision.execute) await service.execute(decision.execute);

    expect(decisions.filter((d) => d.execute)).toHaveLength(1);
    expect(decisions.filter((d) => /^Already done: .* by <@U0/.test(d.reply))).toHaveLength(2);
    expect(rollbacks).toHaveLength(1);
  });

  it("refuses a click from another workspace, or naming none, before reading its offer: nothing claimed or done", async () => {
    const { store, service, rollbacks } = setup();
    await offerRollback(store);

    const theirs = await service.decide(click({ teamId: "T0THEIRS01", userTeamId: "T0THEIRS01" }));
    const nameless = await service.decide(click({ teamId: undefined, userTeamId: undefined }));
    const ours = await service.decide(click());

    expect([theirs, nameless]).toEqual([
      {
        reply: "This button belongs to another Slack workspace: nothing was done.",
        refused: "other-workspace",
      },
      {
        reply: "This button belongs to another Slack workspace: nothing was done.",
        refused: "other-workspace",
      },
    ]);
    expect(ours.execute).toBeDefined();
    expect(rollbacks).toEqual([]);
  });

  it("refuses every click while the bot's workspace cannot be confirmed (fail closed)", async () => {
    const { store, service } = setup({
      botWorkspace: async () => {
        throw new Error("Slack auth.test failed: http_503");
      },
    });
    await offerRollback(store);

    const decision = await service.decide(click());
    const later = await service.decide(click());

    expect(decision).toEqual({
      reply: expect.stringMatching(/^Slack could not confirm which workspace .*nothing was done/),
      refused: "workspace-unconfirmed",
    });
    expect(later.execute).toBeUndefined();
  });

  it("refuses a stranger with an ephemeral answer and does nothing", async () => {
    const { store, service, rollbacks } = setup();
    await offerRollback(store);

    const decision = await service.decide(click({ userId: "U0STRANGER" }));

    expect(decision).toEqual({
      reply: expect.stringMatching(/^Not allowed: <@U0STRANGER> is not an approver for api/),
    });
    expect(rollbacks).toHaveLength(0);
  });

  it("lets a service's approvers tag narrow who may act on it", async () => {
    const { store, service } = setup({ tags: { [SERVICE]: { "ecs-sentinel:approvers": "U0OWNER" } } });
    await offerRollback(store);

    const decision = await service.decide(click());

    expect(decision.execute).toBeUndefined();
    expect(decision.reply).toMatch(/^Not allowed/);
  });

  it("never takes the button's value for what to do: an edited value acts on what the message offered", async () => {
    const { store, service, rollbacks } = setup();
    await offerRollback(store);

    const decision = await service.decide(click({ value: OTHER }));
    if (decision.execute) await service.execute(decision.execute);

    expect(rollbacks.map((r) => r.serviceArn)).toEqual([SERVICE]);
  });

  it("refuses a click on a message that offered no such action, as stale", async () => {
    const { store, service } = setup();
    await offerRollback(store);

    const unknownMessage = await service.decide(click({ messageTs: "1765000000.999999" }));
    const otherAction = await service.decide(click({ kind: "unmute" }));

    expect(unknownMessage).toEqual({ reply: expect.stringMatching(/not valid/), stale: true });
    expect(otherAction).toEqual({ reply: expect.stringMatching(/not valid/), stale: true });
  });

  it("does nothing for a click on a message ecs-sentinel did not post, in a channel it never offered in", async () => {
    const { store, service, rollbacks } = setup();
    await offerRollback(store);

    const elsewhere = await service.decide(click({ channel: "C0THEIRS01", messageTs: "1765000000.000200" }));

    expect(elsewhere).toEqual({ reply: expect.stringMatching(/not valid/), stale: true });
    expect(rollbacks).toEqual([]);
  });

  it("refuses, as stale, a second click on an action already done", async () => {
    const { store, service, rollbacks } = setup();
    await offerRollback(store);
    const first = await service.decide(click());
    if (first.execute) await service.execute(first.execute);

    const late = await service.decide(click({ userName: "late" }));

    expect(late).toEqual({
      reply: expect.stringMatching(/^Already done: this was done by <@U0APPROVER>/),
      stale: true,
    });
    expect(rollbacks).toHaveLength(1);
  });

  it("refuses, as stale, a button of an earlier rendering once the card offers others (Mute after muting)", async () => {
    const { store, service } = setup();
    await store.recordOffer({
      channel: "C0ALERTS01",
      ts: "1765000000.000300",
      actions: [{ kind: "unmute", subject: { serviceArn: SERVICE } }],
      at: T0,
    });

    const decision = await service.decide(click({ kind: "mute-1h", messageTs: "1765000000.000300" }));

    expect(decision).toEqual({ reply: expect.stringMatching(/not valid/), stale: true });
    expect(await store.mutedUntil(SERVICE)).toBeUndefined();
  });

  it("does not call a stranger's refusal stale: it is unauthorized (counted apart)", async () => {
    const { store, service } = setup();
    await offerRollback(store);

    const decision = await service.decide(click({ userId: "U0STRANGER" }));

    expect(decision.stale).toBeUndefined();
  });

  it("mutes a service until a time, and offers Unmute on the card", async () => {
    const { store, service, recorded } = setup();
    await store.recordOffer({
      channel: "C0ALERTS01",
      ts: "1765000000.000100",
      threadKey: "incident#prod#service:api#out-of-memory",
      parentTs: "1765000000.000100",
      actions: [{ kind: "mute-1h", subject: { serviceArn: SERVICE } }],
      at: T0,
    });

    const decision = await service.decide(click({ kind: "mute-1h", messageTs: "1765000000.000100" }));
    if (decision.execute) await service.execute(decision.execute);

    expect(await store.mutedUntil(SERVICE)).toEqual({ until: T0 + 3_600_000, by: APPROVER, at: T0 });
    expect(recorded[0]?.options.nextButtons.map((b) => b.kind)).toEqual(["unmute"]);
    expect(recorded[0]?.options.text).toMatch(/^muted api: alerts muted until 2026-12-02 11:00:00 UTC/);
  });

  it("says clearly that nothing was done when the deployment was already replaced or rolled back", async () => {
    const { store, service, recorded } = setup({
      rollbackRun: {
        summary:
          "rollback superseded: Deployment ecs-svc/1 was replaced by deployment ecs-svc/2: nothing to roll back.",
        decision: undefined,
      },
    });
    await offerRollback(store);

    const decision = await service.decide(click());
    if (decision.execute) await service.execute(decision.execute);

    expect(await store.claimById(decision.execute?.claimId ?? "")).toMatchObject({ status: "refused" });
    expect(recorded[0]?.options.text).toMatch(/^asked to rollback api: refused — rollback superseded/);
  });

  it("runs a failed job again through the job runner, once", async () => {
    const { store, service, reruns } = setup();
    await store.recordOffer({
      channel: "C0ALERTS01",
      ts: "1765000000.000300",
      actions: [{ kind: "rerun", subject: { job: "nightly-report" } }],
      payload: { text: "nightly-report failed", blocks: [] },
      at: T0,
    });

    const first = await service.decide(click({ kind: "rerun", messageTs: "1765000000.000300" }));
    const second = await service.decide(click({ kind: "rerun", messageTs: "1765000000.000300" }));
    if (first.execute) await service.execute(first.execute);

    expect(reruns).toEqual([{ job: "nightly-report", by: `<@${APPROVER}>` }]);
    expect(second.execute).toBeUndefined();
  });

  describe("on a deployment paused by a pause hook", () => {
    const PAUSED = {
      serviceArn: SERVICE,
      deploymentId: "ecs-svc/2",
      serviceDeploymentArn:
        "arn:aws:ecs:us-east-1:111122223333:service-deployment/prod/api/0EYSiB0qap8xf0N76FsbE",
      hookId: "ecs-pause-e7tK9G",
    };
    const offerPause = (store: ReturnType<typeof memoryActionStore>) =>
      store.recordOffer({
        channel: "C0ALERTS01",
        ts: "1765000000.000100",
        threadKey: `deployment#${SERVICE}#ecs-svc/2`,
        parentTs: "1765000000.000100",
        actions: [
          { kind: "continue-paused", subject: PAUSED },
          { kind: "rollback-paused", subject: PAUSED },
        ],
        at: T0,
      });

    it("continues the hook the card offered, once, and moves the card on with who decided", async () => {
      const { store, service, pauses, recorded } = setup();
      await offerPause(store);

      const decision = await service.decide(
        click({ kind: "continue-paused", messageTs: "1765000000.000100", userName: "ana" }),
      );
      if (decision.execute) await service.execute(decision.execute);
      const again = await service.decide(click({ kind: "continue-paused", messageTs: "1765000000.000100" }));

      expect(decision.reply).toMatch(/^Continuing the deployment of api…/);
      expect(pauses).toEqual([
        {
          serviceArn: SERVICE,
          serviceDeploymentArn: PAUSED.serviceDeploymentArn,
          hookId: PAUSED.hookId,
          action: "CONTINUE",
          now: T0,
        },
      ]);
      expect(again.execute).toBeUndefined();
      expect(recorded[0]?.options).toMatchObject({
        nextButtons: [],
        reply: true,
        state: { text: "Continued by @ana after the pause", phase: "in-progress" },
      });
    });

    it("rolls the paused deployment back with ROLLBACK", async () => {
      const { store, service, pauses } = setup();
      await offerPause(store);

      const decision = await service.decide(
        click({ kind: "rollback-paused", messageTs: "1765000000.000100" }),
      );
      if (decision.execute) await service.execute(decision.execute);

      expect(pauses.map((p) => p.action)).toEqual(["ROLLBACK"]);
    });

    it("records a refusal (a pause that timed out) and takes the buttons away without changing the state", async () => {
      const { store, service, recorded } = setup({
        pause: {
          status: "refused",
          result: "the pause timed out at 2026-12-02 09:59:00 UTC; nothing was done",
        },
      });
      await offerPause(store);

      const decision = await service.decide(
        click({ kind: "continue-paused", messageTs: "1765000000.000100" }),
      );
      if (decision.execute) await service.execute(decision.execute);

      expect(await store.claimById(decision.execute?.claimId ?? "")).toMatchObject({ status: "refused" });
      expect(recorded[0]?.options.text).toMatch(
        /^asked to continue the paused deployment of api: refused — the pause timed out/,
      );
      expect(recorded[0]?.options.nextButtons).toEqual([]);
      expect(recorded[0]?.options.state).toBeUndefined();
    });

    it("acts on one decision when two approvers press Continue and Roll back on the same card at once", async () => {
      const { store, service, pauses } = setup({ groups: { S0ONCALL: ["U0SECOND"] } });
      await offerPause(store);

      const decisions = await Promise.all([
        service.decide(click({ kind: "continue-paused", messageTs: "1765000000.000100" })),
        service.decide(
          click({ kind: "rollback-paused", messageTs: "1765000000.000100", userId: "U0SECOND" }),
        ),
      ]);
      for (const decision of decisions) if (decision.execute) await service.execute(decision.execute);

      expect(pauses.map((p) => p.action)).toEqual(["CONTINUE"]);
      expect(decisions[1]).toMatchObject({
        stale: true,
        reply: expect.stringMatching(
          /^Already decided: <@U0APPROVER> chose to continue the paused deployment of api at .*Nothing was done\.$/,
        ),
      });
    });

    it("refuses a stranger before anything is claimed", async () => {
      const { store, service, pauses } = setup();
      await offerPause(store);

      const decision = await service.decide(
        click({ kind: "continue-paused", messageTs: "1765000000.000100", userId: "U0STRANGER" }),
      );

      expect(decision.reply).toMatch(/^Not allowed/);
      expect(decision.execute).toBeUndefined();
      expect(pauses).toHaveLength(0);
    });
  });
});

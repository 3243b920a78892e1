/** One set of answers for both action stores (memory: unit project; DynamoDB: test/emulator/action-store.test.ts). */
import { expect, it } from "vitest";
import type { ActionStore } from "../../src/shared/slack-actions/store.js";

const SERVICE = "arn:aws:ecs:us-east-1:111122223333:service/prod/api";
const T0 = Date.parse("2026-12-02T10:00:00Z");

export function actionStoreContract(make: () => ActionStore, unique: () => string) {
  const claimRequest = (ts: string, user = "U0APPROVER") => ({
    channel: "C0ALERTS01",
    ts,
    kind: "rollback" as const,
    offerAt: T0,
    subject: { serviceArn: SERVICE, deploymentId: "ecs-svc/1" },
    by: { id: user, name: "ana" },
    at: T0,
  });

  it("keeps what a message's buttons offer, read back exactly", async () => {
    const store = make();
    const ts = unique();
    const offer = {
      channel: "C0ALERTS01",
      ts,
      actions: [{ kind: "mute-1h" as const, subject: { serviceArn: SERVICE } }],
      threadKey: "incident#prod#service:api#oom",
      parentTs: ts,
      at: T0,
    };

    await store.recordOffer(offer);

    expect(await store.offer("C0ALERTS01", ts)).toEqual(offer);
    expect(await store.offer("C0ALERTS01", `${ts}9`)).toBeUndefined();
  });

  it("gives a message's action to the first of five simultaneous claims, and the claim to the others", async () => {
    const store = make();
    const ts = unique();

    const results = await Promise.all(
      ["U1", "U2", "U3", "U4", "U5"].map((u) => store.claim(claimRequest(ts, u))),
    );

    expect(results.filter((r) => r.status === "claimed")).toHaveLength(1);
    const winner = results.find((r) => r.status === "claimed")?.claim.by.id;
    expect(results.filter((r) => r.status === "taken").every((r) => r.claim.by.id === winner)).toBe(true);
  });

  it("finishes a claim once, and lists it in the cluster's recent actions", async () => {
    const store = make();
    const ts = unique();
    const { claim } = await store.claim(claimRequest(ts));

    await store.finish(claim.claimId, "done", "UpdateService done", T0 + 5_000);
    await store.finish(claim.claimId, "failed", "a second finish changes nothing", T0 + 6_000);

    expect(await store.claimById(claim.claimId)).toMatchObject({
      status: "done",
      result: "UpdateService done",
    });
    const recent = await store.recentActions("prod", T0);
    expect(recent.find((r) => r.claimId === claim.claimId)).toMatchObject({ status: "done" });
    expect(
      (await store.recentActions("other-cluster", T0)).find((r) => r.claimId === claim.claimId),
    ).toBeUndefined();
  });

  it("mutes a service until a time, and unmutes it", async () => {
    const store = make();
    const service = `${SERVICE}-${unique()}`;

    await store.mute(service, { until: T0 + 3_600_000, by: "U0APPROVER", at: T0 });
    const muted = await store.mutedUntil(service);
    await store.unmute(service);

    expect(muted).toEqual({ until: T0 + 3_600_000, by: "U0APPROVER", at: T0 });
    expect(await store.mutedUntil(service)).toBeUndefined();
  });
}

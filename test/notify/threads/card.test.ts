import { describe, expect, it } from "vitest";
import type { Message } from "../../../src/shared/notify/message.js";
import { applyPatch, cardMessage, openCard } from "../../../src/shared/notify/threads/card.js";

const base: Message = {
  kind: "deployment",
  severity: "info",
  category: "SERVICE_DEPLOYMENT_IN_PROGRESS",
  title: "api: deployment to api:42",
  cause: "ECS is rolling out deployment ecs-svc/1 to api:42.",
  evidence: [],
  remediation: [],
  facts: [
    { label: "Service", value: "api" },
    { label: "Tasks", value: "0/3" },
  ],
  links: [],
};

const T0 = Date.parse("2026-12-02T10:00:00Z");

describe("thread cards", () => {
  it("shows the opening message with the state line and counters as facts", () => {
    const card = openCard(base, {
      at: T0,
      state: { text: "In progress", severity: "info", phase: "in-progress" },
      add: { "Failed tasks": 1 },
    });

    const shown = cardMessage(card);

    expect(shown.facts).toEqual([
      { label: "Service", value: "api" },
      { label: "Tasks", value: "0/3" },
      { label: "State", value: "In progress" },
      { label: "Failed tasks", value: "1" },
    ]);
  });

  it("never moves the state backwards when an older event arrives late", () => {
    const failed = applyPatch(openCard(base), {
      at: T0 + 60_000,
      state: { text: "Failed", severity: "critical", phase: "failed" },
    }).card;

    const late = applyPatch(failed, {
      at: T0,
      state: { text: "In progress", severity: "info", phase: "in-progress" },
      facts: [{ label: "Tasks", value: "1/3" }],
    });

    expect(cardMessage(late.card).facts).toContainEqual({ label: "State", value: "Failed" });
    expect(cardMessage(late.card).severity).toBe("critical");
    // A fact the late event is the first to set is still taken; one set later is kept.
    expect(cardMessage(late.card).facts).toContainEqual({ label: "Tasks", value: "1/3" });
    expect(late.changed).toBe(true);
  });

  it("keeps a newer fact when an older value arrives, and says nothing changed", () => {
    const newer = applyPatch(openCard(base), { at: T0 + 10, facts: [{ label: "Tasks", value: "3/3" }] }).card;

    const older = applyPatch(newer, { at: T0, facts: [{ label: "Tasks", value: "1/3" }] });

    expect(cardMessage(older.card).facts).toContainEqual({ label: "Tasks", value: "3/3" });
    expect(older.changed).toBe(false);
  });

  it("reads the completion of a rollback deployment as rolled back", () => {
    const rollingBack = applyPatch(openCard(base), {
      at: T0,
      state: { text: "Rolling back", severity: "warning", phase: "rolling-back" },
    }).card;

    const done = applyPatch(rollingBack, {
      at: T0 + 1,
      state: {
        text: "Completed",
        severity: "info",
        phase: "completed",
        final: true,
        whenPhase: {
          "rolling-back": { text: "Rolled back", severity: "warning", phase: "rolled-back", final: true },
        },
      },
    }).card;

    expect(done.state).toMatchObject({ text: "Rolled back", phase: "rolled-back", final: true });
    expect(cardMessage(done).facts).toContainEqual({ label: "State", value: "✔ Rolled back" });
  });

  it("adds counters on every patch and reports the change", () => {
    let card = openCard(base, { at: T0, add: { Occurrences: 1 } });
    for (let i = 1; i <= 4; i++) card = applyPatch(card, { at: T0 + i, add: { Occurrences: 1 } }).card;

    expect(card.counters).toEqual({ Occurrences: 5 });
  });

  it("replaces the title only with a newer one", () => {
    const titled = applyPatch(openCard(base), { at: T0 + 5, title: "api: rolled back to api:41" }).card;

    const stale = applyPatch(titled, { at: T0, title: "api: deployment to api:42" });

    expect(cardMessage(stale.card).title).toBe("api: rolled back to api:41");
    expect(stale.changed).toBe(false);
  });
});

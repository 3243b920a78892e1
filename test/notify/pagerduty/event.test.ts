import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromDiagnosis } from "../../../src/shared/notify/from-diagnosis.js";
import type { Message } from "../../../src/shared/notify/message.js";
import {
  PAGERDUTY_EVENT_BUDGET_BYTES,
  pagerDutyDedupKey,
  pagerDutyResolve,
  pagerDutyTrigger,
} from "../../../src/shared/notify/pagerduty/event.js";
import { hugeString, strangeString, withHostile } from "../../fuzz/arbitraries.js";
import { FUZZ_TIMEOUT, runs } from "../../fuzz/runs.js";
import { pagerDutyEventErrors } from "../../support/pagerduty-standin-rules.js";
import { DIAGNOSES } from "../render/diagnoses.js";

const ROUTING_KEY = "R0testRoutingKeyNeverInPayload01";
const KEY = "ecs-sentinel:incident:prod:api:out-of-memory";

function message(overrides: Partial<Message> = {}): Message {
  return {
    kind: "task-stopped",
    severity: "critical",
    category: "out-of-memory",
    title: "api: container `web` ran out of memory",
    cause: "Container web used more than its 512 MiB hard memory limit and the kernel killed it.",
    reason: "OutOfMemoryError: Container killed due to memory usage",
    evidence: ["container web: exit code 137 (SIGKILL)", "container web: hard memory limit 512 MiB"],
    remediation: ["Raise the memory of container web.", "Check Container Insights for a leak."],
    facts: [
      { label: "Cluster", value: "prod" },
      { label: "Task definition", value: "api:42" },
    ],
    links: [
      { label: "Open task", url: "https://console.aws.amazon.example/ecs/task" },
      { label: "Task logs", url: "http://insecure.example/logs" },
    ],
    cluster: "prod",
    service: "api",
    account: "123456789012",
    region: "eu-west-1",
    time: "2024-05-14T10:42:07.512Z",
    history: "3rd out-of-memory stop of api in 24 h",
    changes: { summary: "Since api:41, the last successful revision", lines: ["web: memory 1024 → 512"] },
    logTail: {
      lines: ["starting", "java.lang.OutOfMemoryError: Java heap space"],
      source: "container web · /ecs/api",
    },
    ...overrides,
  };
}

/** Every string in a JSON value, keys included. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === "object" && value !== null)
    return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

function bytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

describe("pagerDutyTrigger: mapping a message onto PagerDuty's fields", () => {
  it("maps severity, source, component, group, class, timestamp and client", () => {
    const event = pagerDutyTrigger(message(), ROUTING_KEY, KEY);

    expect(event).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: "trigger",
      dedup_key: KEY,
      client: "ecs-sentinel",
      payload: {
        summary: "api: container `web` ran out of memory (cluster prod)",
        source: "123456789012/eu-west-1/prod",
        severity: "critical",
        timestamp: "2024-05-14T10:42:07.512Z",
        component: "api",
        group: "prod",
        class: "out-of-memory",
      },
    });
  });

  it.each([
    ["critical", "critical"],
    ["warning", "warning"],
    ["info", "info"],
  ] as const)("maps our %s to PagerDuty's %s", (ours, theirs) => {
    expect(pagerDutyTrigger(message({ severity: ours }), ROUTING_KEY, KEY).payload?.severity).toBe(theirs);
  });

  it("puts the diagnosis in custom_details: steps numbered, facts as an object, history, changes, log tail", () => {
    const details = pagerDutyTrigger(message(), ROUTING_KEY, KEY).payload?.custom_details;

    expect(details).toEqual({
      cause: "Container web used more than its 512 MiB hard memory limit and the kernel killed it.",
      reason: "OutOfMemoryError: Container killed due to memory usage",
      evidence: ["container web: exit code 137 (SIGKILL)", "container web: hard memory limit 512 MiB"],
      remediation: ["1. Raise the memory of container web.", "2. Check Container Insights for a leak."],
      facts: { Cluster: "prod", "Task definition": "api:42" },
      history: "3rd out-of-memory stop of api in 24 h",
      changes: "Since api:41, the last successful revision",
      changed: ["web: memory 1024 → 512"],
      log_tail: ["starting", "java.lang.OutOfMemoryError: Java heap space"],
      log_source: "container web · /ecs/api",
    });
  });

  it("links only https URLs, labelled, at most ten, without duplicates", () => {
    const many = Array.from({ length: 14 }, (_, i) => ({
      label: `Doc ${i}`,
      url: `https://docs.example/${i}`,
    }));
    const links = [
      { label: "Same", url: "https://docs.example/0" },
      { label: "Script", url: "javascript:alert(1)" },
      ...many,
    ];

    const event = pagerDutyTrigger(message({ links }), ROUTING_KEY, KEY);

    expect(event.links).toHaveLength(10);
    expect(event.links?.[0]).toEqual({ href: "https://docs.example/0", text: "Same" });
    expect(event.links?.every((l) => l.href.startsWith("https://"))).toBe(true);
  });

  it("names the service and cluster in the summary when the title does not", () => {
    const event = pagerDutyTrigger(message({ title: "Deployment failed" }), ROUTING_KEY, KEY);

    expect(event.payload?.summary).toBe("Deployment failed (service api · cluster prod)");
  });

  it("builds a source from what is known, never empty", () => {
    const bare = message({ account: undefined, region: undefined, cluster: undefined, service: undefined });

    expect(pagerDutyTrigger(message({ account: undefined }), ROUTING_KEY, KEY).payload?.source).toBe(
      "eu-west-1/prod",
    );
    expect(pagerDutyTrigger(bare, ROUTING_KEY, KEY).payload?.source).toBe("ecs-sentinel");
    expect(pagerDutyTrigger({ ...bare, family: "nightly" }, ROUTING_KEY, KEY).payload?.component).toBe(
      "nightly",
    );
  });

  it("leaves out a timestamp that is not ISO 8601 and normalises one with an offset to UTC", () => {
    expect(
      pagerDutyTrigger(message({ time: "yesterday" }), ROUTING_KEY, KEY).payload?.timestamp,
    ).toBeUndefined();
    expect(pagerDutyTrigger(message({ time: "1715683327" }), ROUTING_KEY, KEY).payload).not.toHaveProperty(
      "timestamp",
    );
    expect(
      pagerDutyTrigger(message({ time: "2024-05-14T12:42:07+02:00" }), ROUTING_KEY, KEY).payload?.timestamp,
    ).toBe("2024-05-14T10:42:07.000Z");
  });

  it("builds events PagerDuty accepts from every realistic diagnosis", () => {
    const events = Object.values(DIAGNOSES).map((d) =>
      pagerDutyTrigger(
        fromDiagnosis(d, { account: "123456789012" }),
        ROUTING_KEY,
        pagerDutyDedupKey([d.category]),
      ),
    );

    expect(events.flatMap((e) => pagerDutyEventErrors(e, bytes(e)))).toEqual([]);
  });
});

describe("pagerDutyTrigger: limits and hostile input", () => {
  it("cuts a huge title to 1,024 characters without splitting a surrogate pair", () => {
    const title = `api: ${"😀".repeat(2000)}`;

    const summary = pagerDutyTrigger(message({ title }), ROUTING_KEY, KEY).payload?.summary ?? "";

    expect(summary.length).toBeLessThanOrEqual(1024);
    expect(summary).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    expect(summary.endsWith("(cluster prod)")).toBe(true);
  });

  it("keeps an event built from huge lists and texts far below PagerDuty's 512 KB", () => {
    const long = "界".repeat(50_000);
    const huge = message({
      cause: long,
      reason: long,
      history: long,
      evidence: Array.from({ length: 500 }, () => long),
      remediation: Array.from({ length: 500 }, () => long),
      facts: Array.from({ length: 500 }, (_, i) => ({ label: `${i}${long}`, value: long })),
      logTail: { lines: Array.from({ length: 5000 }, () => long), source: long },
      changes: { summary: long, lines: Array.from({ length: 500 }, () => long) },
    });

    const event = pagerDutyTrigger(huge, ROUTING_KEY, KEY);

    expect(bytes(event)).toBeLessThanOrEqual(PAGERDUTY_EVENT_BUDGET_BYTES);
    expect(pagerDutyEventErrors(event, bytes(event))).toEqual([]);
    expect(event.payload?.custom_details?.cause).toBeTruthy();
  });

  it("keeps a fact labelled __proto__ as data and numbers repeated labels", () => {
    const facts = [
      { label: "__proto__", value: "polluted" },
      { label: "Task", value: "a" },
      { label: "Task", value: "b" },
    ];

    const details = pagerDutyTrigger(message({ facts }), ROUTING_KEY, KEY).payload?.custom_details;
    const sent = JSON.parse(JSON.stringify(details)) as { facts: Record<string, string> };

    expect(Object.entries(sent.facts)).toEqual([
      ["__proto__", "polluted"],
      ["Task", "a"],
      ["Task (2)", "b"],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(
    "builds an event PagerDuty accepts, within budget, from any hostile or huge text",
    () => {
      const text = fc.oneof(strangeString, withHostile(strangeString), hugeString);
      fc.assert(
        fc.property(text, text, text, fc.array(text, { maxLength: 4 }), (title, service, cluster, lines) => {
          const event = pagerDutyTrigger(
            message({ title, service, cluster, cause: title, evidence: lines, time: title }),
            ROUTING_KEY,
            pagerDutyDedupKey([cluster, service]),
          );
          expect(pagerDutyEventErrors(event, bytes(event))).toEqual([]);
          expect(bytes(event)).toBeLessThanOrEqual(PAGERDUTY_EVENT_BUDGET_BYTES);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
          expect(strings(event).filter((s) => /[\u0000-\u0008\u000b-\u001f\u202e]/.test(s))).toEqual([]);
        }),
        runs(40),
      );
    },
    FUZZ_TIMEOUT,
  );
});

describe("pagerDutyResolve", () => {
  it("carries only the routing key, the action and the dedup key", () => {
    expect(pagerDutyResolve(ROUTING_KEY, KEY)).toEqual({
      routing_key: ROUTING_KEY,
      event_action: "resolve",
      dedup_key: KEY,
    });
  });

  it("shortens a too long key exactly as the trigger does, so the resolve closes the same alert", () => {
    const long = `ecs-sentinel:${"x".repeat(400)}`;

    expect(pagerDutyResolve(ROUTING_KEY, long).dedup_key).toBe(
      pagerDutyTrigger(message(), ROUTING_KEY, long).dedup_key,
    );
    expect(pagerDutyResolve(ROUTING_KEY, long).dedup_key?.length).toBeLessThanOrEqual(255);
  });
});

describe("pagerDutyDedupKey", () => {
  it("is readable and stable", () => {
    expect(pagerDutyDedupKey(["deployment", "prod", "api"])).toBe("ecs-sentinel:deployment:prod:api");
    expect(pagerDutyDedupKey(["deployment", "prod", "api"])).toBe(
      pagerDutyDedupKey(["deployment", "prod", "api"]),
    );
  });

  it("makes every part printable ASCII without merging different parts", () => {
    const accented = pagerDutyDedupKey(["job", "café\n"]);
    const encodedLookalike = pagerDutyDedupKey(["job", "caf%C3%A9%0A"]);

    expect(accented).toMatch(/^[\x20-\x7e]+$/);
    expect(accented).toBe("ecs-sentinel:job:caf%C3%A9%0A");
    expect(encodedLookalike).not.toBe(accented);
    expect(pagerDutyDedupKey(["\ud800"])).toMatch(/^[\x20-\x7e]+$/);
  });

  it("keeps a readable prefix and a sha256 when too long, so long keys never collide", () => {
    const a = pagerDutyDedupKey(["incident", "x".repeat(300), "a"]);
    const b = pagerDutyDedupKey(["incident", "x".repeat(300), "b"]);

    expect(a.length).toBe(255);
    expect(b.length).toBe(255);
    expect(a).not.toBe(b);
    expect(a.startsWith("ecs-sentinel:incident:xxx")).toBe(true);
    expect(a).toMatch(/:sha256:[0-9a-f]{64}$/);
  });

  it("is at most 255 printable characters for any parts", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(strangeString, fc.string({ unit: "binary", maxLength: 300 })), { maxLength: 6 }),
        (parts) => {
          const key = pagerDutyDedupKey(parts);
          expect(key.length).toBeLessThanOrEqual(255);
          expect(key).toMatch(/^ecs-sentinel[\x20-\x7e]*$/);
        },
      ),
      runs(200),
    );
  });
});

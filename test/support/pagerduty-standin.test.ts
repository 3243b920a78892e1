import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type PagerDutyStandin, STANDIN_ROUTING_KEY, startPagerDutyStandin } from "./pagerduty-standin.js";
import { isIso8601 } from "./pagerduty-standin-rules.js";

let standin: PagerDutyStandin;
beforeEach(async () => {
  let n = 0;
  standin = await startPagerDutyStandin({ newDedupKey: () => `generated-${++n}` });
});
afterEach(async () => {
  await standin.close();
});

function trigger(overrides: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) {
  return {
    routing_key: STANDIN_ROUTING_KEY,
    event_action: "trigger",
    dedup_key: "ecs-sentinel:incident:prod:api:out-of-memory",
    payload: {
      summary: "api: container web ran out of memory",
      source: "123456789012/eu-west-1/prod",
      severity: "critical",
      ...payload,
    },
    ...overrides,
  };
}

async function post(body: unknown, url = standin.url) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe("PagerDuty Events API v2 stand-in: accepted events", () => {
  it("answers 202 success with the event's dedup_key and keeps the event", async () => {
    const answer = await post(trigger());

    expect(answer).toEqual({
      status: 202,
      json: {
        status: "success",
        message: "Event processed",
        dedup_key: "ecs-sentinel:incident:prod:api:out-of-memory",
      },
    });
    expect(standin.events).toHaveLength(1);
  });

  it("generates a dedup_key for a trigger that has none", async () => {
    const answer = await post(trigger({ dedup_key: undefined }));

    expect(answer.json.dedup_key).toBe("generated-1");
    expect(standin.incidents().get("generated-1")?.status).toBe("triggered");
  });

  it("accepts every documented optional field at its limits", async () => {
    const event = trigger(
      {
        dedup_key: "k".repeat(255),
        client: "ecs-sentinel",
        client_url: "https://example.test/",
        links: [
          { href: "https://console.example.test/ecs", text: "Open service" },
          { href: "https://x.test" },
        ],
        images: [{ src: "https://img.example.test/a.png", alt: "chart" }],
      },
      {
        summary: "s".repeat(1024),
        severity: "info",
        timestamp: "2015-07-17T08:42:58.315+0000",
        component: "api",
        group: "prod",
        class: "out-of-memory",
        custom_details: { cause: "oom", evidence: ["exit 137"] },
      },
    );

    const answer = await post(event);

    expect(answer.status).toBe(202);
  });

  it("holds one alert per dedup_key: triggers update it, a resolve closes it, a new trigger reopens it", async () => {
    await post(trigger());
    await post(trigger());
    await post({ routing_key: STANDIN_ROUTING_KEY, event_action: "resolve", dedup_key: trigger().dedup_key });
    const afterResolve = standin.incidents().get(trigger().dedup_key);
    await post(trigger());

    expect(afterResolve).toEqual({ status: "resolved", triggers: 2, resolves: 1 });
    expect(standin.incidents().get(trigger().dedup_key)).toEqual({
      status: "triggered",
      triggers: 3,
      resolves: 1,
    });
    expect(standin.incidents().size).toBe(1);
  });

  it("accepts an acknowledge with a dedup_key without changing the alert's counts", async () => {
    await post(trigger());

    const answer = await post({
      routing_key: STANDIN_ROUTING_KEY,
      event_action: "acknowledge",
      dedup_key: trigger().dedup_key,
    });

    expect(answer.status).toBe(202);
    expect(standin.incidents().get(trigger().dedup_key)).toEqual({
      status: "triggered",
      triggers: 1,
      resolves: 0,
    });
  });
});

describe("PagerDuty Events API v2 stand-in: rejects what PagerDuty rejects", () => {
  const key = STANDIN_ROUTING_KEY;
  const cases: [string, unknown, string][] = [
    ["a routing key that is not 32 characters", trigger({ routing_key: "short" }), "Length of 'routing_key'"],
    ["a missing routing key", trigger({ routing_key: undefined }), "'routing_key' is missing"],
    ["an unknown event_action", trigger({ event_action: "escalate" }), "'event_action'"],
    ["a dedup_key over 255 characters", trigger({ dedup_key: "k".repeat(256) }), "'dedup_key' is too long"],
    ["a resolve without dedup_key", { routing_key: key, event_action: "resolve" }, "required for resolve"],
    [
      "an acknowledge with an empty dedup_key",
      { routing_key: key, event_action: "acknowledge", dedup_key: "" },
      "required",
    ],
    ["a trigger without payload", trigger({ payload: undefined }), "'payload' is missing"],
    ["an empty summary", trigger({}, { summary: "" }), "'payload.summary' is missing"],
    [
      "a summary of 1025 characters",
      trigger({}, { summary: "s".repeat(1025) }),
      "'payload.summary' is too long",
    ],
    ["a blank source", trigger({}, { source: "  " }), "'payload.source'"],
    ["an unknown severity", trigger({}, { severity: "fatal" }), "'payload.severity'"],
    ["a timestamp that is not ISO 8601", trigger({}, { timestamp: "yesterday" }), "'payload.timestamp'"],
    ["custom_details that are an array", trigger({}, { custom_details: ["a"] }), "'payload.custom_details'"],
    ["a numeric component", trigger({}, { component: 7 }), "'payload.component'"],
    [
      "links that are not an array",
      trigger({ links: { href: "https://x.test" } }),
      "'links' must be an array",
    ],
    ["a link without href", trigger({ links: [{ text: "no target" }] }), "'links[0].href'"],
    ["an image without src", trigger({ images: [{ href: "https://x.test" }] }), "'images[0].src'"],
    ["a JSON array instead of an object", [trigger()], "format is unrecognized"],
  ];

  it.each(cases)("answers 400 invalid event to %s", async (_name, body, error) => {
    const answer = await post(body);

    expect(answer.status).toBe(400);
    expect(answer.json.status).toBe("invalid event");
    expect(answer.json.message).toBe("Event object is invalid");
    expect((answer.json.errors as string[]).join("\n")).toContain(error);
    expect(standin.events).toEqual([]);
    expect(standin.rejected).toHaveLength(1);
  });

  it("answers 400 with PagerDuty's parse error to a body that is not JSON", async () => {
    const answer = await post("{not json");

    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual(["JSON parse error"]);
  });

  it("rejects an event over 512 KB", async () => {
    const answer = await post(trigger({}, { custom_details: { blob: "x".repeat(512 * 1024) } }));

    expect(answer.status).toBe(400);
    expect((answer.json.errors as string[]).join()).toContain("larger than");
  });

  it("answers 404 on any other path", async () => {
    const answer = await post(trigger(), standin.url.replace("/v2/enqueue", "/v1/enqueue"));

    expect(answer.status).toBe(404);
  });

  it.each([
    ["2024-05-14T10:42:07.512Z", true],
    ["2024-05-14T10:42:07+02:00", true],
    ["2024-05-14T10:42", true],
    ["2024-13-14T10:42:07Z", false],
    ["2024-05-14 10:42:07Z", false],
    ["1715683327", false],
  ])("reads %s as ISO 8601: %s", (value, valid) => {
    expect(isIso8601(value)).toBe(valid);
  });
});

describe("PagerDuty Events API v2 stand-in: injected answers", () => {
  it("throttles the next requests with 429 (and Retry-After when asked), then accepts again", async () => {
    standin.throttleNext(2, 3);

    const first = await fetch(standin.url, { method: "POST", body: JSON.stringify(trigger()) });
    const second = await post(trigger());
    const third = await post(trigger());

    expect([first.status, second.status, third.status]).toEqual([429, 429, 202]);
    expect(first.headers.get("retry-after")).toBe("3");
    expect(standin.events).toHaveLength(1);
    expect(standin.answers).toEqual([429, 429, 202]);
  });

  it("fails the next requests with the given status before validating them", async () => {
    standin.failNext(503, 2);

    const statuses = [
      (await post("{not json")).status,
      (await post(trigger())).status,
      (await post(trigger())).status,
    ];

    expect(statuses).toEqual([503, 503, 202]);
    expect(standin.rejected).toEqual([]);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { adaptiveCardProblems, startTeamsStandin, type TeamsStandin } from "./teams-standin.js";

const VALID_CARD = {
  type: "AdaptiveCard",
  version: "1.5",
  body: [
    { type: "TextBlock", text: "api: container web ran out of memory", wrap: true, color: "attention" },
    { type: "FactSet", facts: [{ title: "Cluster", value: "prod" }] },
    {
      type: "Container",
      style: "emphasis",
      items: [{ type: "TextBlock", text: "OOM", fontType: "monospace" }],
    },
  ],
  actions: [{ type: "Action.OpenUrl", title: "Open task", url: "https://console.example.test/task" }],
  msteams: { width: "Full" },
};

function envelope(content: unknown) {
  return {
    type: "message",
    attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content }],
  };
}

let standin: TeamsStandin;
beforeEach(async () => {
  standin = await startTeamsStandin();
});
afterEach(async () => {
  await standin.close();
});

function post(body: unknown, url = standin.url) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("Teams Workflows stand-in", () => {
  it("accepts a valid card with 202 and records its content", async () => {
    const response = await post(envelope(VALID_CARD));

    expect(response.status).toBe(202);
    expect(standin.cards).toEqual([VALID_CARD]);
    expect(standin.rejected).toEqual([]);
  });

  it("rejects a card with an unknown element type with 400 naming it", async () => {
    const card = { ...VALID_CARD, body: [...VALID_CARD.body, { type: "Marquee", text: "hi" }] };

    const response = await post(envelope(card));

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Unknown element type \\"Marquee\\"');
    expect(standin.cards).toEqual([]);
  });

  it("rejects a card without a version", async () => {
    const { version: _, ...card } = VALID_CARD;

    const response = await post(envelope(card));

    expect(response.status).toBe(400);
    expect(standin.rejected[0]?.errors).toContain("content.version: is required");
  });

  it("rejects a version other than 1.4 or 1.5", async () => {
    const response = await post(envelope({ ...VALID_CARD, version: "1.6" }));

    expect(response.status).toBe(400);
    expect(standin.rejected[0]?.errors.join()).toContain("1.6 is not one of 1.4, 1.5");
  });

  it("rejects an invalid enum value, a TextBlock without text and an OpenUrl without url", () => {
    const card = {
      ...VALID_CARD,
      body: [{ type: "TextBlock", text: "x", color: "purple" }, { type: "TextBlock" }],
      actions: [{ type: "Action.OpenUrl", title: "Open" }],
    };

    const problems = adaptiveCardProblems(card).join("\n");

    expect(problems).toContain('Invalid value "purple"');
    expect(problems).toContain("content.body[1].text: a string is required");
    expect(problems).toContain('Property "url" must be set');
  });

  it("finds problems nested in containers", () => {
    const card = { ...VALID_CARD, body: [{ type: "Container", items: [{ type: "FactSet", facts: [{}] }] }] };

    expect(adaptiveCardProblems(card)).toContain(
      "content.body[0].items[0].facts[0]: title and value are required strings",
    );
  });

  it("rejects an envelope that is not a message with one adaptive attachment", async () => {
    const twoAttachments = { ...envelope(VALID_CARD), attachments: [1, 2] };
    const heroCard = {
      type: "message",
      attachments: [
        { contentType: "application/vnd.microsoft.card.hero", contentUrl: null, content: VALID_CARD },
      ],
    };

    const statuses = [
      (await post({ ...envelope(VALID_CARD), type: "card" })).status,
      (await post(twoAttachments)).status,
      (await post(heroCard)).status,
      (await post("{not json")).status,
    ];

    expect(statuses).toEqual([400, 400, 400, 400]);
    expect(standin.cards).toEqual([]);
  });

  it("answers 413 to a body over 28 KB", async () => {
    const big = { ...VALID_CARD, body: [{ type: "TextBlock", text: "x".repeat(29 * 1024) }] };

    const response = await post(envelope(big));

    expect(response.status).toBe(413);
    expect(await response.text()).toContain("RequestEntityTooLarge");
  });

  it("answers 401 to a URL with another signature", async () => {
    const forged = standin.url.replace(`sig=${standin.signature}`, "sig=forged");

    const response = await post(envelope(VALID_CARD), forged);

    expect(response.status).toBe(401);
    expect(standin.cards).toEqual([]);
  });

  it("throttles the next requests with 429 and Retry-After, then accepts", async () => {
    standin.throttleNext(2, 3);

    const first = await post(envelope(VALID_CARD));
    const second = await post(envelope(VALID_CARD));
    const third = await post(envelope(VALID_CARD));

    expect([first.status, second.status, third.status]).toEqual([429, 429, 202]);
    expect(first.headers.get("retry-after")).toBe("3");
    expect(standin.cards).toHaveLength(1);
    expect(standin.requestCount()).toBe(3);
  });

  it("fails the next request with an injected status", async () => {
    standin.failNext(503);

    const statuses = [(await post(envelope(VALID_CARD))).status, (await post(envelope(VALID_CARD))).status];

    expect(statuses).toEqual([503, 202]);
  });
});

import { describe, expect, it } from "vitest";
import type { Message } from "../../../src/shared/notify/message.js";
import { renderEmail, renderSlack } from "../../../src/shared/notify/render/index.js";
import { slackLimitViolations } from "./slack-limits-check.js";

const MENTIONS = [
  "<!channel>",
  "<!here>",
  "<!everyone>",
  "<@U123ABC>",
  "<#C123ABC>",
  "<!subteam^S0614TZR7>",
  "<http://evil.example|click here>",
  "<https://evil.example>",
  "@channel",
  "@here",
  "@everyone",
  "@Channel",
];
const HOSTILE = `alert ${MENTIONS.join(" ")} & more`;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function message(overrides: Partial<Message> = {}): Message {
  return {
    kind: "task-stopped",
    severity: "critical",
    category: "out-of-memory",
    title: `api: container ${HOSTILE} ran out of memory`,
    cause: HOSTILE,
    reason: HOSTILE,
    evidence: [HOSTILE, `container ${HOSTILE}`],
    remediation: [HOSTILE],
    facts: [
      { label: "Container", value: HOSTILE },
      { label: HOSTILE, value: "web" },
    ],
    links: [{ label: HOSTILE, url: "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod" }],
    cluster: "prod",
    service: "api",
    account: "123456789012",
    region: "eu-west-1",
    time: "2024-05-14T10:42:08Z",
    ...overrides,
  };
}

/** Every string value of the payload, escaped text and plain text alike. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

function sectionTexts(payload: { blocks: unknown[] }): string[] {
  return (payload.blocks as Array<{ type: string; text?: { text: string } }>)
    .filter((block) => block.type === "section" && block.text)
    .map((block) => block.text?.text ?? "");
}

describe("hostile text in a Slack payload", () => {
  it("leaves no mention, channel, user group or disguised link token anywhere in the payload", () => {
    const serialised = JSON.stringify(renderSlack(message()));

    expect(serialised).not.toMatch(/<[!@#]|<https?:/i);
    expect(serialised).not.toMatch(/<[^>]*\|/);
  });

  it("neutralises bare @channel, @here and @everyone in every text", () => {
    const texts = strings(renderSlack(message()));

    for (const text of texts) expect(text).not.toMatch(/(^|[^\p{L}\p{N}])@(channel|here|everyone)\b/iu);
  });

  it("keeps the hostile text visible, escaped, in mrkdwn", () => {
    const [cause] = sectionTexts(renderSlack(message()));

    expect(cause).toContain("&lt;!channel&gt;");
    expect(cause).toContain("&lt;http://evil.example|click here&gt;");
    expect(cause).toContain("&amp; more");
  });

  it("keeps a reason containing ``` inside one code block", () => {
    const reason = "Error: ```\n*bold* <!channel>\n``` trailing `tick`";

    const texts = sectionTexts(renderSlack(message({ reason })));
    const code = texts.find((text) => text.startsWith("*Reason"));

    expect(code?.match(/```/g)).toHaveLength(2);
    expect(code).toMatch(/^\*Reason reported by ECS\*\n```\n[^`]*\n```$/);
  });

  it("cuts a 10 KB reason to the section limit and ends the code block properly", () => {
    const reason = "x".repeat(10_240);

    const payload = renderSlack(message({ reason }));
    const code = sectionTexts(payload).find((text) => text.startsWith("*Reason"));

    expect(slackLimitViolations(payload)).toEqual([]);
    expect(code?.length).toBeLessThanOrEqual(3000);
    expect(code?.endsWith("…\n```")).toBe(true);
  });

  it("never splits an escaped entity at the cut", () => {
    const payload = renderSlack(message({ reason: "&<>".repeat(4000), cause: "<".repeat(5000) }));

    for (const text of sectionTexts(payload)) {
      expect(text.replace(/&(amp|lt|gt);/g, "")).not.toContain("&");
    }
  });

  it("never splits a surrogate pair or an emoji sequence at the cut", () => {
    const family = "👩‍👩‍👧‍👦";
    for (const pad of ["", "a", "ab", "abc"]) {
      const text = pad + family.repeat(2000);

      const payload = renderSlack(message({ title: text, cause: text, reason: text, evidence: [text] }));

      for (const value of strings(payload)) expect(value).not.toMatch(LONE_SURROGATE);
      const cause = sectionTexts(payload)[0] ?? "";
      expect(cause.slice(pad.length, -1).length % family.length).toBe(0);
    }
  });

  it("lists 200 evidence lines within the limit and says how many were left out", () => {
    const evidence = Array.from({ length: 200 }, (_, i) => `evidence line ${i}: ${"detail ".repeat(10)}`);

    const payload = renderSlack(message({ evidence }));
    const list = sectionTexts(payload).find((text) => text.startsWith("*Evidence*")) ?? "";

    expect(slackLimitViolations(payload)).toEqual([]);
    expect(list).toMatch(/_… and \d+ more_$/);
    const shown = list.split("\n").filter((line) => line.startsWith("• ")).length;
    expect(list).toContain(`… and ${200 - shown} more`);
  });

  it("stays within every Block Kit limit when every part is huge", () => {
    const huge = `${"€😀<&>".repeat(3000)}`;
    const many = Array.from({ length: 300 }, () => huge);

    const payload = renderSlack(
      message({
        title: huge,
        cause: huge,
        reason: huge,
        evidence: many,
        remediation: many,
        facts: many.slice(0, 35).map((value) => ({ label: huge, value })),
        links: Array.from({ length: 60 }, (_, i) => ({ label: huge, url: `https://example.com/${i}` })),
      }),
    );

    expect(slackLimitViolations(payload)).toEqual([]);
  });

  it("leaves out links that are not web URLs or are too long, rather than cutting them", () => {
    const links = [
      { label: "script", url: "javascript:alert(1)" },
      { label: "disguised", url: "https://ok.example/<!channel>" },
      { label: "long", url: `https://example.com/${"a".repeat(3000)}` },
      { label: "good", url: "https://example.com/ok" },
    ];

    const payload = renderSlack(message({ links }));
    const actions = payload.blocks.find((block) => (block as { type: string }).type === "actions") as {
      elements: Array<{ url: string }>;
    };

    expect(actions.elements.map((button) => button.url)).toEqual(["https://example.com/ok"]);
  });
});

describe("hostile text in an email", () => {
  it("removes terminal escapes, bidi overrides and NUL from the body", () => {
    const reason = "boom\u001b[2J\u001b]8;;http://evil\u0007\u202eevil\u0000";

    const { body } = renderEmail(message({ reason }));

    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(body).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(body).toContain("boom[2J]8;;http://evilevil");
  });

  it("keeps the body under SNS's 256 KB with huge multi-byte input", () => {
    const huge = "😀".repeat(20_000);
    const many = Array.from({ length: 500 }, () => huge);

    const { body } = renderEmail(
      message({
        cause: huge,
        reason: huge,
        evidence: many,
        remediation: many,
        facts: [{ label: "x", value: huge }],
      }),
    );

    expect(new TextEncoder().encode(body).length).toBeLessThan(256 * 1024);
  });
});

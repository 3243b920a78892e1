import { describe, expect, it } from "vitest";
import type { Message } from "../../../src/shared/notify/message.js";
import {
  type CardElement,
  TEAMS_MAX_BYTES,
  teamsPayload,
  teamsPayloadBytes,
} from "../../../src/shared/notify/render/teams-card.js";
import { teamsCode, teamsText } from "../../../src/shared/notify/text.js";
import { teamsBodyProblems } from "../../support/teams-standin.js";

const CONSOLE = "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/tasks/abc";

function message(overrides: Partial<Message> = {}): Message {
  return {
    kind: "task-stopped",
    severity: "critical",
    category: "out-of-memory",
    title: "api: container web ran out of memory",
    cause: "Container web ran out of memory.",
    reason: "OutOfMemoryError: Container killed due to memory usage",
    evidence: ["Exit code 137", "Memory limit 512 MiB"],
    remediation: ["Raise the memory limit", "Look for a leak"],
    facts: [
      { label: "Cluster", value: "prod" },
      { label: "Service", value: "api" },
    ],
    links: [
      { label: "Open task", url: CONSOLE },
      { label: "Task logs", url: `${CONSOLE}/logs` },
    ],
    cluster: "prod",
    service: "api",
    account: "123456789012",
    region: "eu-west-1",
    time: "2024-05-14T10:42:08Z",
    logTail: { lines: ["starting", "heap grew", "killed"], source: "container web · /ecs/api" },
    changes: { summary: "Since api:41, the last successful revision", lines: ["memory: 1024 -> 512"] },
    history: "3rd out-of-memory stop of api in 24 h",
    ...overrides,
  };
}

const cardOf = (m: Message) => teamsPayload(m).attachments[0].content;

/** Every TextBlock and fact text of the card, in order. */
function texts(elements: readonly CardElement[]): string[] {
  return elements.flatMap((element): string[] => {
    if (element.type === "TextBlock") return [element.text];
    if (element.type === "FactSet") return element.facts.flatMap((fact) => [fact.title, fact.value]);
    return texts(element.items);
  });
}

const allText = (m: Message) => texts(cardOf(m).body).join("\n");

function monospaceTexts(elements: readonly CardElement[]): string[] {
  return elements.flatMap((element): string[] => {
    if (element.type === "Container") return monospaceTexts(element.items);
    return element.type === "TextBlock" && element.fontType === "monospace" ? [element.text] : [];
  });
}

describe("teamsPayload", () => {
  it("wraps one full-width Adaptive Card 1.4 in a Workflows message", () => {
    const payload = teamsPayload(message());

    expect(payload.type).toBe("message");
    expect(payload.attachments).toHaveLength(1);
    expect(payload.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(payload.attachments[0].contentUrl).toBeNull();
    expect(payload.attachments[0].content).toMatchObject({
      type: "AdaptiveCard",
      version: "1.4",
      msteams: { width: "Full" },
    });
  });

  it("opens with the severity in its colour, then the title", () => {
    const colours = (["critical", "warning", "info"] as const).map((severity) => {
      const [badge, title] = cardOf(message({ severity })).body;
      return { badge, title };
    });

    expect(colours.map(({ badge }) => badge)).toEqual([
      expect.objectContaining({ text: "🔴 CRITICAL", color: "attention" }),
      expect.objectContaining({ text: "🟠 WARNING", color: "warning" }),
      expect.objectContaining({ text: "🔵 INFO", color: "good" }),
    ]);
    expect(colours[0]?.title).toMatchObject({
      text: "api: container web ran out of memory",
      weight: "bolder",
    });
  });

  it("shows every section of the message", () => {
    const text = allText(message());

    for (const expected of [
      "Container web ran out of memory.",
      "Cluster",
      "prod",
      "Reason reported by ECS",
      "OutOfMemoryError: Container killed due to memory usage",
      "Last log lines · container web · /ecs/api",
      "heap grew",
      "What changed",
      "memory: 1024 -› 512",
      "Evidence",
      "• Exit code 137",
      "What to do",
      "\u200b1. Raise the memory limit",
      "\u200b2. Look for a leak",
      "History",
      "3rd out-of-memory stop of api in 24 h",
      "CRITICAL · out-of-memory · account 123456789012 · eu-west-1 · 2024-05-14 10:42:08 UTC",
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("shows the reason and the log tail in monospace, one TextBlock per line", () => {
    const mono = monospaceTexts(cardOf(message()).body);

    expect(mono).toEqual([
      "OutOfMemoryError: Container killed due to memory usage",
      "starting",
      "heap grew",
      "killed",
    ]);
  });

  it("says why a log tail that could not be read is missing", () => {
    const text = allText(
      message({ logTail: { lines: [], source: "web", note: "log stream not found yet" } }),
    );

    expect(text).toContain("Not shown: log stream not found yet.");
  });

  it("shows history once when it is already one of the facts", () => {
    const history = "3rd out-of-memory stop of api in 24 h";
    const text = allText(message({ facts: [{ label: "History", value: history }], history }));

    expect(text.split(history)).toHaveLength(2);
  });

  it("offers https links as OpenUrl actions, at most six, and drops other schemes", () => {
    const links = [
      { label: "Plain http", url: "http://insecure.example.test/" },
      { label: "Script", url: "javascript:alert(1)" },
      ...Array.from({ length: 8 }, (_, i) => ({ label: `Link ${i}`, url: `${CONSOLE}/${i}` })),
    ];

    const actions = cardOf(message({ links })).actions ?? [];

    expect(actions).toHaveLength(6);
    expect(actions[0]).toEqual({ type: "Action.OpenUrl", title: "Link 0", url: `${CONSOLE}/0` });
    expect(actions.every((action) => action.url.startsWith("https://"))).toBe(true);
  });

  it("ignores Slack buttons", () => {
    const card = cardOf(
      message({ actions: [{ kind: "rollback", label: "Roll back", subject: {}, danger: true }] }),
    );

    expect(JSON.stringify(card)).not.toContain("Roll back");
  });

  it("leaves out empty sections", () => {
    const card = cardOf(
      message({
        reason: undefined,
        evidence: [],
        remediation: [],
        facts: [],
        logTail: undefined,
        changes: undefined,
        history: undefined,
        links: [],
      }),
    );

    expect(card.body).toHaveLength(4);
    expect(card.actions).toBeUndefined();
  });
});

describe("teamsPayload within Teams' size limit", () => {
  const huge = "x".repeat(2_000);

  it("cuts a huge log tail from the top and keeps the card under the limit", () => {
    const lines = Array.from({ length: 5_000 }, (_, i) => `line ${i} ${"y".repeat(200)}`);

    const payload = teamsPayload(message({ logTail: { lines, source: "web" } }));
    const mono = monospaceTexts(payload.attachments[0].content.body);

    expect(teamsPayloadBytes(payload)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(mono.at(-1)).toContain("line 4999");
    expect(mono.some((line) => /earlier lines cut/.test(line))).toBe(true);
  });

  it("gives up the log tail, evidence and history before the steps, and never the title or cause", () => {
    const m = message({
      evidence: Array.from({ length: 40 }, () => huge),
      remediation: ["Raise the memory limit"],
      facts: Array.from({ length: 30 }, (_, i) => ({ label: `Fact ${i}`, value: huge })),
      logTail: { lines: Array.from({ length: 100 }, () => huge), source: "web" },
      cause: `Cause ${huge}`,
    });

    const payload = teamsPayload(m);
    const text = texts(payload.attachments[0].content.body).join("\n");

    expect(teamsPayloadBytes(payload)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(text).toContain("api: container web ran out of memory");
    expect(text).toContain(`Cause ${"x".repeat(1_000)}`);
    expect(text).toContain("Raise the memory limit");
    expect(text).toContain("Not shown: the card would exceed Teams' size limit.");
    expect(text).not.toContain("Evidence");
  });

  it("fits whatever every field holds, down to the header, cause, footer and links", () => {
    const hostile = "]*&{".repeat(2_000);
    const m = message({
      title: hostile,
      cause: hostile,
      reason: hostile,
      category: hostile,
      account: hostile,
      region: hostile,
      evidence: Array.from({ length: 50 }, () => hostile),
      remediation: Array.from({ length: 50 }, () => hostile),
      facts: Array.from({ length: 50 }, () => ({ label: hostile, value: hostile })),
      history: hostile,
      changes: { summary: hostile, lines: Array.from({ length: 50 }, () => hostile) },
      logTail: { lines: Array.from({ length: 200 }, () => hostile), source: hostile },
      links: Array.from({ length: 10 }, (_, i) => ({
        label: hostile,
        url: `${CONSOLE}/${i}/${"z".repeat(2_900)}`,
      })),
    });

    const payload = teamsPayload(m);

    expect(teamsPayloadBytes(payload)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(teamsBodyProblems(payload)).toEqual([]);
  });
});

describe("teamsPayload with hostile text", () => {
  const HOSTILE = "<at>oncall</at> [click](https://evil.example/login) **bold** _italic_ ~~gone~~ `code`";

  function hostileMessage(): Message {
    return message({
      title: `api: ${HOSTILE}`,
      cause: `${HOSTILE}\n- injected list\n# heading`,
      reason: HOSTILE,
      evidence: [HOSTILE],
      remediation: [HOSTILE],
      facts: [{ label: HOSTILE, value: HOSTILE }],
      logTail: { lines: [HOSTILE, "1. numbered", "{{DATE(2017-02-14T06:08:00Z, SHORT)}}"], source: HOSTILE },
      links: [{ label: HOSTILE, url: CONSOLE }],
    });
  }

  const strings = (value: unknown): string[] => {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(strings);
    if (value && typeof value === "object") return Object.values(value).flatMap(strings);
    return [];
  };

  it("leaves no mention tag, disguised link, emphasis, function or bare link in any string", () => {
    const card = cardOf(hostileMessage());
    const values = strings(card).filter(
      (value) => value !== CONSOLE && !value.startsWith("http://adaptivecards"),
    );

    for (const value of values) {
      expect(value).not.toMatch(/<\/?at>/i);
      expect(value).not.toMatch(/\]\(/);
      expect(value).not.toMatch(/\*\*|__|~~|`/);
      expect(value).not.toMatch(/\{\{/);
      expect(value).not.toMatch(/https?:\/\//);
    }
  });

  it("keeps the hostile text readable", () => {
    const text = allText(hostileMessage());

    expect(text).toContain("‹at›oncall‹/at›");
    expect(text).toContain("∗∗bold∗∗");
  });

  it("puts a multi-line cause on one line", () => {
    const cause = texts(cardOf(hostileMessage()).body)[2] ?? "";

    expect(cause).not.toContain("\n");
    expect(cause).toContain("- injected list # heading");
  });

  it("renders cards the validating stand-in accepts", () => {
    for (const m of [message(), hostileMessage(), message({ severity: "info", links: [] })]) {
      expect(teamsBodyProblems(teamsPayload(m))).toEqual([]);
    }
  });
});

describe("teamsText", () => {
  it("swaps markdown characters and tags for look-alikes", () => {
    expect(teamsText("**bold** _it_ <at>x</at> ~s~ `c`", 200)).toBe("∗∗bold∗∗ ˍitˍ ‹at›x‹/at› ∼s∼ ˋcˋ");
  });

  it("breaks a link's target, a date function, an entity and a bare URL with a zero-width space", () => {
    expect(teamsText("[a](b) {{DATE(x)}} &amp; https://evil www.evil", 200)).toBe(
      "[a]\u200b(b) {\u200b{\u200bDATE(x)}} &\u200bamp; https:\u200b//evil www\u200b.evil",
    );
  });

  it("keeps a leading list, heading or quote marker from taking effect", () => {
    expect(["- a", "+ b", "# c", "1. d", "2) e"].map((line) => teamsText(line, 50))).toEqual([
      "\u200b- a",
      "\u200b+ b",
      "\u200b# c",
      "\u200b1. d",
      "\u200b2) e",
    ]);
  });

  it("collapses line breaks and cuts to the limit with an ellipsis", () => {
    expect(teamsText("a\nb\r\nc", 50)).toBe("a b c");
    expect(teamsText("abcdefghij", 5)).toBe("abcd…");
    expect(teamsText("]]]]]]", 5)).toHaveLength(5);
  });
});

describe("teamsCode", () => {
  it("keeps indentation as no-break spaces and stays inert", () => {
    expect(teamsCode("    at Foo.bar (app.js:1)", 100)).toBe("\u00a0\u00a0\u00a0\u00a0at Foo.bar (app.js:1)");
    expect(teamsCode("**x** [a](b)", 100)).toBe("∗∗x∗∗ [a]\u200b(b)");
  });
});

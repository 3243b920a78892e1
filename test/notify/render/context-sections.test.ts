/** Rendering of the alert context sections: log tail, what changed, history. */
import { describe, expect, it } from "vitest";
import { fromDiagnosis } from "../../../src/shared/notify/from-diagnosis.js";
import type { LogTailSection, Message } from "../../../src/shared/notify/message.js";
import { renderConsole, renderEmail, renderSlack } from "../../../src/shared/notify/render/index.js";
import { DIAGNOSES, ENV } from "./diagnoses.js";
import { slackLimitViolations } from "./slack-limits-check.js";

const STREAM_LINK =
  "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/" +
  "$252Fecs$252Fapi/log-events/ecs$252Fweb$252F0f6c";

const TAIL: LogTailSection = {
  lines: [
    "Exception in thread main java.lang.OutOfMemoryError: Java heap space",
    "\tat com.example.Cache.put(Cache.java:42)",
    "\tat com.example.Api.handle(Api.java:17)",
  ],
  source: "container web · /ecs/api",
  link: STREAM_LINK,
};

function message(context: Partial<Message> = {}): Message {
  return { ...fromDiagnosis(DIAGNOSES["out-of-memory"], ENV), ...context };
}

interface SectionBlock {
  type: string;
  text?: { text: string };
}

function sectionStartingWith(payload: { blocks: unknown[] }, start: string): string {
  const block = (payload.blocks as SectionBlock[]).find(
    (b) => b.type === "section" && b.text?.text.startsWith(start),
  );
  if (!block?.text) throw new Error(`no section starting with ${start}`);
  return block.text.text;
}

describe("rendering a log tail", () => {
  it("puts the lines in a Slack code block under a heading naming the source", () => {
    const text = sectionStartingWith(renderSlack(message({ logTail: TAIL })), "*Last log lines*");

    expect(text).toBe(
      "*Last log lines* · container web · /ecs/api\n```\n" +
        "Exception in thread main java.lang.OutOfMemoryError: Java heap space\n" +
        "\tat com.example.Cache.put(Cache.java:42)\n" +
        "\tat com.example.Api.handle(Api.java:17)\n```",
    );
  });

  it("places the tail after the reason reported by ECS", () => {
    const texts = (renderSlack(message({ logTail: TAIL })).blocks as SectionBlock[]).map(
      (b) => b.text?.text ?? "",
    );

    const reason = texts.findIndex((t) => t.startsWith("*Reason reported by ECS*"));
    const tail = texts.findIndex((t) => t.startsWith("*Last log lines*"));
    expect(tail).toBe(reason + 1);
  });

  it("neutralises backticks, mentions and links inside log lines", () => {
    const hostile: LogTailSection = {
      lines: ["```", "<!channel> @here <https://evil.example|click> & done", "```closing"],
      source: "container `web` <!here>",
    };

    const text = sectionStartingWith(renderSlack(message({ logTail: hostile })), "*Last log lines*");

    expect(text.match(/```/g)).toHaveLength(2);
    expect(text).not.toMatch(/<!|<@|<http|@here(?!\u2060)/);
    expect(text).toContain("&lt;!channel&gt; @\u2060here &lt;https://evil.example|click&gt; &amp; done");
  });

  it("keeps the last lines within Slack's section limit when the tail is long", () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i + 1} ${"&".repeat(40)}`);

    const payload = renderSlack(message({ logTail: { lines, source: "container web · /ecs/api" } }));
    const text = sectionStartingWith(payload, "*Last log lines*");

    expect(slackLimitViolations(payload)).toEqual([]);
    expect(text).toContain(`line 400 ${"&amp;".repeat(40)}\n\`\`\``);
    expect(text).toMatch(/\n… \d+ earlier lines cut\n/);
    expect(text).not.toContain("line 1 ");
  });

  it("shortens a 10 KB line and keeps the payload valid", () => {
    const huge = `ERROR ${"x".repeat(10_240)}`;

    const payload = renderSlack(message({ logTail: { lines: ["before", huge], source: "container web" } }));
    const text = sectionStartingWith(payload, "*Last log lines*");

    expect(slackLimitViolations(payload)).toEqual([]);
    expect(text).toContain("before\nERROR xxx");
    expect(text.length).toBeLessThan(700);
  });

  it("says why there is no tail, and offers the log stream as a button", () => {
    const unavailable: LogTailSection = {
      lines: [],
      source: "container web",
      note: "log stream not found yet",
      link: STREAM_LINK,
    };

    const payload = renderSlack(
      message({ logTail: unavailable, links: [{ label: "Log stream", url: STREAM_LINK }] }),
    );

    expect(sectionStartingWith(payload, "*Last log lines*")).toBe(
      "*Last log lines* · container web\nNot shown: log stream not found yet. " +
        "Open the log stream with the button below.",
    );
    const buttons = (
      payload.blocks as Array<{ type: string; elements?: Array<{ url?: string; text?: unknown }> }>
    )
      .filter((b) => b.type === "actions")
      .flatMap((b) => b.elements ?? []);
    expect(buttons).toContainEqual(
      expect.objectContaining({ url: STREAM_LINK, text: expect.objectContaining({ text: "Log stream" }) }),
    );
  });

  it("indents the tail in the email body, after the details", () => {
    const body = renderEmail(message({ logTail: TAIL })).body;

    expect(body).toContain(
      "Last log lines (container web · /ecs/api):\n" +
        "    Exception in thread main java.lang.OutOfMemoryError: Java heap space\n" +
        "    \tat com.example.Cache.put(Cache.java:42)\n" +
        "    \tat com.example.Api.handle(Api.java:17)\n",
    );
    expect(body.indexOf("Last log lines")).toBeGreaterThan(body.indexOf("Details:"));
  });

  it("keeps the last lines of a long tail in the email, within a bounded size", () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i + 1} ${"y".repeat(600)}`);

    const body = renderEmail(message({ logTail: { lines, source: "container web" } })).body;

    expect(body).toContain("line 2000 yyy");
    expect(body).not.toContain("line 1 yyy");
    expect(body.length).toBeLessThan(20_000);
  });

  it("strips terminal escapes from log lines on the console", () => {
    const out = renderConsole(
      message({ logTail: { lines: ["\u001b[31mred\u001b[0m alert\u202e"], source: "container web" } }),
      { color: false },
    );

    expect(out).toContain("    [31mred[0m alert\n");
    expect([out.includes("\u001b"), out.includes("\u202e")]).toEqual([false, false]);
  });

  it("says why there is no tail in the email", () => {
    const body = renderEmail(
      message({ logTail: { lines: [], source: "container web", note: "CloudWatch Logs throttled" } }),
    ).body;

    expect(body).toContain("Last log lines (container web):\n  Not shown: CloudWatch Logs throttled.\n");
  });
});

describe("rendering what changed", () => {
  const changes = {
    summary: "Since api:41, the last successful revision",
    lines: ["web image: repo/api:1.4.2 -> repo/api:1.5.0", "web memory: 512 -> 256"],
  };

  it("lists the differences under a sentence naming the baseline on Slack", () => {
    const text = sectionStartingWith(renderSlack(message({ changes })), "*What changed*");

    expect(text).toBe(
      "*What changed*\nSince api:41, the last successful revision:\n" +
        "• web image: repo/api:1.4.2 -&gt; repo/api:1.5.0\n• web memory: 512 -&gt; 256",
    );
  });

  it("says so when the failing revision is the last successful one", () => {
    const unchanged = {
      summary: "No change from the last successful revision (api:42): the cause is not a deploy",
      lines: [],
    };

    const slack = sectionStartingWith(renderSlack(message({ changes: unchanged })), "*What changed*");
    const email = renderEmail(message({ changes: unchanged })).body;

    expect(slack).toBe(`*What changed*\n${unchanged.summary}`);
    expect(email).toContain(`What changed:\n  ${unchanged.summary}\n`);
  });

  it("lists the differences in the email", () => {
    const body = renderEmail(message({ changes })).body;

    expect(body).toContain(
      "What changed:\n  Since api:41, the last successful revision:\n" +
        "  - web image: repo/api:1.4.2 -> repo/api:1.5.0\n  - web memory: 512 -> 256\n",
    );
  });
});

describe("fromDiagnosis with alert context", () => {
  it("carries the tail, the changes and the history, and links the log stream", () => {
    const m = fromDiagnosis(DIAGNOSES["out-of-memory"], {
      ...ENV,
      logTail: TAIL,
      changes: { summary: "s", lines: [] },
      history: "3rd out-of-memory stop of `api` in 24 h, first at 08:12 UTC",
    });

    expect(m.logTail).toEqual(TAIL);
    expect(m.changes).toEqual({ summary: "s", lines: [] });
    expect(m.history).toBe("3rd out-of-memory stop of `api` in 24 h, first at 08:12 UTC");
    expect(m.facts).toContainEqual({ label: "History", value: m.history });
    expect(m.links.map((l) => l.label)).toEqual(expect.arrayContaining(["Task logs", "Log stream"]));
  });

  it("adds no context fields when none is given", () => {
    const m = fromDiagnosis(DIAGNOSES["out-of-memory"], ENV);

    expect(Object.keys(m)).not.toEqual(expect.arrayContaining(["logTail"]));
    expect(m.changes).toBeUndefined();
    expect(m.history).toBeUndefined();
  });
});

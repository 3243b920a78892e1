import { describe, expect, it } from "vitest";
import { digestMessage } from "../../../src/shared/notify/digest-message.js";
import type { Message } from "../../../src/shared/notify/message.js";
import { renderSlack } from "../../../src/shared/notify/render/index.js";
import { slackLimitViolations } from "./slack-limits-check.js";

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: unknown[];
  elements?: Array<{ text: string }>;
}

function message(overrides: Partial<Message> = {}): Message {
  return {
    kind: "task-stopped",
    severity: "critical",
    category: "out-of-memory",
    title: "api: container web ran out of memory",
    cause: "Container web ran out of memory.",
    evidence: [],
    remediation: [],
    facts: [],
    links: [],
    service: "api",
    ...overrides,
  };
}

const blocksOf = (m: Message) => renderSlack(m).blocks as Block[];

describe("renderSlack", () => {
  it("gives a fallback text naming severity, category and service", () => {
    expect(renderSlack(message()).text).toBe(
      "[CRITICAL] out-of-memory · api · container web ran out of memory",
    );
  });

  it("names the family in the fallback text of a standalone task", () => {
    const text = renderSlack(
      message({ service: undefined, family: "nightly", title: "nightly: task completed" }),
    ).text;

    expect(text).toBe("[CRITICAL] out-of-memory · nightly · task completed");
  });

  it("opens with a plain-text header of severity emoji and title", () => {
    const [header] = blocksOf(message({ severity: "warning" }));

    expect(header).toEqual({
      type: "header",
      text: { type: "plain_text", text: "🟠 api: container web ran out of memory", emoji: true },
    });
  });

  it("leaves out the reason, evidence, steps and buttons when there are none", () => {
    const types = blocksOf(message()).map((block) => block.type);

    expect(types).toEqual(["header", "section", "context"]);
  });

  it("splits more than ten facts over several field sections", () => {
    const facts = Array.from({ length: 23 }, (_, i) => ({ label: `Fact ${i}`, value: String(i) }));

    const sections = blocksOf(message({ facts })).filter((block) => block.fields);

    expect(sections.map((block) => block.fields?.length)).toEqual([10, 10, 3]);
  });

  it("keeps the context line last when the blocks would exceed fifty", () => {
    const facts = Array.from({ length: 600 }, (_, i) => ({ label: `Fact ${i}`, value: String(i) }));

    const payload = renderSlack(message({ facts }));

    expect(payload.blocks).toHaveLength(50);
    expect((payload.blocks.at(-1) as Block).type).toBe("context");
    expect(slackLimitViolations(payload)).toEqual([]);
  });

  it("ends with a context line of severity, category, account, region and UTC time", () => {
    const blocks = blocksOf(
      message({ account: "123456789012", region: "eu-west-1", time: "2024-05-14T10:42:08Z" }),
    );

    expect(blocks.at(-1)?.elements?.[0]?.text).toBe(
      "*CRITICAL* · out-of-memory · account 123456789012 · eu-west-1 · 2024-05-14 10:42:08 UTC",
    );
  });

  it("numbers the remediation steps", () => {
    const blocks = blocksOf(message({ remediation: ["Raise the memory.", "Deploy."] }));

    expect(blocks.map((block) => block.text?.text)).toContain(
      "*What to do*\n1. Raise the memory.\n2. Deploy.",
    );
  });

  it("renders a digest within the limits", () => {
    const digest = digestMessage({
      group: "service:api",
      category: "out-of-memory",
      count: 37,
      firstAt: "2024-05-14T10:02:00Z",
      lastAt: "2024-05-14T10:42:00Z",
    });

    const payload = renderSlack(digest);

    expect(payload.text).toBe(
      "[WARNING] out-of-memory · api · 37 more out-of-memory stops between 10:02 and 10:42 UTC",
    );
    expect(slackLimitViolations(payload)).toEqual([]);
  });
});

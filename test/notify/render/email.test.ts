import { describe, expect, it } from "vitest";
import type { Message } from "../../../src/shared/notify/message.js";
import { emailAttributes, emailSubject, renderEmail } from "../../../src/shared/notify/render/index.js";

function message(overrides: Partial<Message> = {}): Message {
  return {
    kind: "task-stopped",
    severity: "critical",
    category: "out-of-memory",
    title: "api: container web ran out of memory",
    cause: "Container web ran out of memory.",
    evidence: [],
    remediation: ["Raise the memory.", "Deploy."],
    facts: [{ label: "Cluster", value: "prod" }],
    links: [{ label: "Open task", url: "https://example.com/task" }],
    cluster: "prod",
    service: "api",
    ...overrides,
  };
}

describe("emailSubject", () => {
  it("names the severity and the title", () => {
    expect(emailSubject(message())).toBe("[CRITICAL] api: container web ran out of memory");
  });

  it("is shorter than 100 characters, ending in an ellipsis, for a long title", () => {
    const subject = emailSubject(message({ title: "x".repeat(500) }));

    expect(subject.length).toBeLessThan(100);
    expect(subject.endsWith("…")).toBe(true);
  });

  it("has no line breaks or control characters whatever the title holds", () => {
    const subject = emailSubject(message({ title: "a\r\nb\nc\u2028d\u0000e\u001b[31mf\tg" }));

    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(subject).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(subject).toBe("[CRITICAL] a b c de[31mf g");
  });

  it("stays shorter than 100 UTF-16 units with emoji at the cut", () => {
    const subject = emailSubject(message({ title: "😀".repeat(100) }));

    expect(subject.length).toBeLessThan(100);
    expect(subject).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe("emailAttributes", () => {
  it("carries kind, severity, category, cluster and service for filter policies", () => {
    expect(emailAttributes(message())).toEqual({
      kind: "task-stopped",
      severity: "critical",
      category: "out-of-memory",
      cluster: "prod",
      service: "api",
    });
  });

  it("leaves out empty values, which SNS rejects", () => {
    const attributes = emailAttributes(message({ cluster: "", service: undefined }));

    expect(attributes).toEqual({ kind: "task-stopped", severity: "critical", category: "out-of-memory" });
  });
});

describe("renderEmail", () => {
  it("numbers the remediation steps and lists links as plain URLs", () => {
    const { body } = renderEmail(message());

    expect(body).toContain("What to do:\n  1. Raise the memory.\n  2. Deploy.");
    expect(body).toContain("Links:\n  Open task: https://example.com/task");
  });

  it("writes facts as Label: value lines and ends with a note on routing", () => {
    const { body } = renderEmail(message());

    expect(body).toContain("Details:\n  Cluster: prod");
    expect(body).toMatch(/subscription filter policy.*\n$/);
  });

  it("indents every line of a multi-line reason", () => {
    const { body } = renderEmail(message({ reason: "first\nsecond" }));

    expect(body).toContain("Reason reported by ECS:\n    first\n    second");
  });
});

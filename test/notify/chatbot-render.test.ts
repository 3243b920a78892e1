import { describe, expect, it } from "vitest";
import type { Message } from "../../src/shared/notify/message.js";
import {
  CHATBOT_LIMITS,
  type ChatbotNotification,
  chatbotNotification,
  chatbotThreadId,
} from "../../src/shared/notify/render/chatbot.js";

const TASK_ARN = "arn:aws:ecs:eu-west-1:123456789012:task/prod/0f6c1d2e3a4b4c5d8e9f0a1b2c3d4e5f";
const SERVICE_ARN = "arn:aws:ecs:eu-west-1:123456789012:service/prod/api";
const CONSOLE = "https://console.example.test/ecs/v2/clusters/prod/services/api";

function message(overrides: Partial<Message> = {}): Message {
  return {
    kind: "task-stopped",
    severity: "critical",
    category: "out-of-memory",
    title: "api: container `web` ran out of memory",
    cause: "Container web used more than its 512 MiB hard memory limit and the kernel killed it.",
    reason: "OutOfMemoryError: Container killed due to memory usage",
    evidence: ["container web: exit code 137 (SIGKILL)", "container web: hard memory limit 512 MiB"],
    remediation: ["Raise the memory of container web, then deploy.", "Check Container Insights for a leak."],
    facts: [
      { label: "Cluster", value: "prod" },
      { label: "Service", value: "api" },
      { label: "Task", value: TASK_ARN },
    ],
    links: [
      { label: "Open service", url: CONSOLE },
      { label: "Task logs", url: "https://logs.example.test/group/ecs-api" },
    ],
    cluster: "prod",
    service: "api",
    account: "123456789012",
    region: "eu-west-1",
    time: "2024-05-14T10:42:07.512Z",
    history: "3rd out-of-memory stop of api in 24 h",
    logTail: { lines: ["starting", "heap grows", "killed"], source: "container web · /ecs/api" },
    changes: { summary: "Since api:41, the last successful revision", lines: ["memory: 1024 -> 512"] },
    ...overrides,
  };
}

const HOSTILE_PIECES = [
  "<!channel>",
  "<!here>",
  "<@U123ABC>",
  "<at>Jane</at>",
  "<http://evil.example|click here>",
  "[click here](https://evil.example)",
  "![img](https://evil.example/x.png)",
  "@here",
  "@channel",
  "*bold* _italic_ ~strike~",
  "```closes the block",
  "\u001b[31mred\u001b[0m",
  "\u202Eevil\u202C",
];
const HOSTILE = `alert ${HOSTILE_PIECES.join(" ")} end`;

function hostileMessage(): Message {
  return message({
    title: HOSTILE,
    cause: HOSTILE,
    reason: HOSTILE,
    evidence: [HOSTILE],
    remediation: [HOSTILE],
    facts: [
      { label: HOSTILE, value: HOSTILE },
      { label: "Container", value: HOSTILE },
    ],
    links: [
      { label: HOSTILE, url: CONSOLE },
      { label: "plain http", url: "http://evil.example/page" },
      { label: "script", url: "javascript:alert(1)" },
      { label: "pipe", url: "https://evil.example/a|b" },
    ],
    cluster: HOSTILE,
    service: HOSTILE,
    history: HOSTILE,
    logTail: { lines: [HOSTILE, HOSTILE], source: HOSTILE },
    changes: { summary: HOSTILE, lines: [HOSTILE] },
  });
}

/** Every human-visible string of the notification. */
function renderedTexts(n: ChatbotNotification): string[] {
  return [
    n.content.title,
    n.content.description,
    ...n.content.nextSteps,
    ...n.content.keywords,
    n.metadata?.summary ?? "",
  ];
}

describe("chatbotNotification: the documented schema", () => {
  it("sets version 1.0, source custom and the client-markdown text type", () => {
    const n = chatbotNotification(message());

    expect(n.version).toBe("1.0");
    expect(n.source).toBe("custom");
    expect(n.content.textType).toBe("client-markdown");
  });

  it("types every content and metadata field as the guide documents it", () => {
    const n = chatbotNotification(message(), { threadId: "incident#prod/api/out-of-memory", id: "evt-1" });

    expect(n).toEqual({
      version: "1.0",
      source: "custom",
      id: "evt-1",
      content: {
        textType: "client-markdown",
        title: expect.any(String),
        description: expect.any(String),
        nextSteps: expect.arrayContaining([expect.any(String)]),
        keywords: expect.arrayContaining([expect.any(String)]),
      },
      metadata: {
        threadId: expect.any(String),
        summary: expect.any(String),
        eventType: expect.any(String),
        relatedResources: expect.any(Array),
        additionalContext: expect.any(Object),
      },
    });
    expect(Object.values(n.metadata?.additionalContext ?? {}).every((v) => typeof v === "string")).toBe(true);
  });

  it("round-trips through JSON unchanged, as SNS carries it", () => {
    const n = chatbotNotification(message(), { threadId: "deployment#arn#1" });

    expect(JSON.parse(JSON.stringify(n))).toEqual(n);
  });
});

describe("chatbotNotification: what the message shows", () => {
  it("titles the notification with the severity label and the message title", () => {
    const n = chatbotNotification(message());

    expect(n.content.title).toMatch(/^🔴 CRITICAL · api: container/);
  });

  it("describes the cause, the quoted ECS reason, facts, evidence, changes, history and log tail", () => {
    const { description } = chatbotNotification(message()).content;

    expect(description).toContain("Container web used more than its 512 MiB hard memory limit");
    expect(description).toContain("```\nOutOfMemoryError: Container killed due to memory usage\n```");
    expect(description).toContain("*Cluster:* prod");
    expect(description).toContain("*Service:* api");
    expect(description).toContain("• container web: exit code 137 (SIGKILL)");
    expect(description).toContain("*What changed:* Since api:41");
    expect(description).toContain("*History:* 3rd out-of-memory stop of api in 24 h");
    expect(description).toContain("```\nstarting\nheap grows\nkilled\n```");
  });

  it("links with our label as the link text and shows the host the link goes to", () => {
    const { description } = chatbotNotification(message()).content;

    expect(description).toContain(`• <${CONSOLE}|Open service> (console.example.test)`);
    expect(description).toContain(
      "• <https://logs.example.test/group/ecs-api|Task logs> (logs.example.test)",
    );
  });

  it("numbers the remediation steps as next steps", () => {
    const n = chatbotNotification(message());

    expect(n.content.nextSteps).toEqual([
      "1. Raise the memory of container web, then deploy.",
      "2. Check Container Insights for a leak.",
    ]);
  });

  it("keys the notification by severity, category, cluster and service, without duplicates", () => {
    expect(chatbotNotification(message()).content.keywords).toEqual([
      "CRITICAL",
      "out-of-memory",
      "prod",
      "api",
    ]);
    expect(chatbotNotification(message({ cluster: "api" })).content.keywords).toEqual([
      "CRITICAL",
      "out-of-memory",
      "api",
    ]);
  });

  it("names the event type from kind and category in the shape a custom action matches", () => {
    const n = chatbotNotification(message({ category: "image pull/failed" }));

    expect(n.metadata?.eventType).toBe("task-stopped-image-pull-failed");
    expect(n.metadata?.eventType).toMatch(/^[a-zA-Z0-9-]{1,100}$/);
  });

  it("lists the ARNs the message knows as related resources, and nothing else", () => {
    const n = chatbotNotification(
      message({
        actions: [{ kind: "rollback", label: "Roll back", subject: { serviceArn: SERVICE_ARN } }],
      }),
    );

    expect(n.metadata?.relatedResources).toEqual([TASK_ARN, SERVICE_ARN]);
  });

  it("summarises in one line and gives printable custom-action variables", () => {
    const n = chatbotNotification(message());

    expect(n.metadata?.summary).toBe("[CRITICAL] out-of-memory · api · container ˋwebˋ ran out of memory");
    expect(n.metadata?.additionalContext).toEqual({
      kind: "task-stopped",
      severity: "critical",
      category: "out-of-memory",
      cluster: "prod",
      service: "api",
      account: "123456789012",
      region: "eu-west-1",
    });
  });

  it("threads by the safe id of the thread key given, and leaves threadId out without one", () => {
    const key = "deployment#arn:aws:ecs:eu-west-1:123456789012:service/prod/api#ecs-svc/123";

    expect(chatbotNotification(message(), { threadId: key }).metadata?.threadId).toBe(chatbotThreadId(key));
    expect(chatbotNotification(message()).metadata).not.toHaveProperty("threadId");
  });

  it("keeps only safe characters of the event id and leaves it out when none are left", () => {
    expect(chatbotNotification(message(), { id: "evt 1<script>" }).id).toBe("evt1script");
    expect(chatbotNotification(message(), { id: "<>" })).not.toHaveProperty("id");
  });

  it("still describes a message with no cause, facts or sections", () => {
    const bare = message({
      cause: "",
      reason: undefined,
      facts: [],
      evidence: [],
      links: [],
      history: undefined,
      logTail: undefined,
      changes: undefined,
    });

    expect(chatbotNotification(bare).content.description).toBe(
      "[CRITICAL] out-of-memory · api · container ˋwebˋ ran out of memory",
    );
  });
});

describe("chatbotThreadId", () => {
  it("gives the same id for the same key every time", () => {
    expect(chatbotThreadId("incident#prod/api/out-of-memory")).toBe(
      chatbotThreadId("incident#prod/api/out-of-memory"),
    );
  });

  it("gives different ids for different keys", () => {
    const ids = new Set(
      ["incident#prod/api/oom", "incident#prod/api/OOM", "incident#prod/web/oom", "deployment#a#1"].map(
        chatbotThreadId,
      ),
    );

    expect(ids.size).toBe(4);
  });

  it("is short, readable by kind and made of safe characters only", () => {
    const id = chatbotThreadId(`deployment#${"arn:aws:ecs:eu-west-1:1:service/x/<y>".repeat(50)}#1`);

    expect(id).toMatch(/^deployment-[0-9a-f]{32}$/);
    expect(chatbotThreadId("<@U1> weird key")).toMatch(/^[a-z0-9-]{1,20}-[0-9a-f]{32}$/);
    expect(chatbotThreadId("#")).toMatch(/^ecs-sentinel-[0-9a-f]{32}$/);
  });
});

describe("chatbotNotification: limits", () => {
  const huge = "x".repeat(50_000);
  const big = message({
    title: huge,
    cause: huge,
    reason: huge,
    evidence: Array.from({ length: 500 }, () => huge),
    remediation: Array.from({ length: 500 }, () => huge),
    facts: Array.from({ length: 500 }, (_, i) => ({ label: `F${i}`, value: huge })),
    links: Array.from({ length: 500 }, (_, i) => ({ label: huge, url: `${CONSOLE}?i=${i}` })),
    cluster: huge,
    service: huge,
    history: huge,
    logTail: { lines: Array.from({ length: 5000 }, (_, i) => `line ${i} ${huge}`), source: huge },
    changes: { summary: huge, lines: Array.from({ length: 500 }, () => huge) },
  });

  it("holds every field to its limit however large the message", () => {
    const n = chatbotNotification(big, { id: huge, threadId: huge });

    expect(n.content.title.length).toBeLessThanOrEqual(CHATBOT_LIMITS.title);
    expect(n.content.description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
    expect(n.content.nextSteps.length).toBeLessThanOrEqual(CHATBOT_LIMITS.nextSteps);
    expect(Math.max(...n.content.nextSteps.map((s) => s.length))).toBeLessThanOrEqual(
      CHATBOT_LIMITS.nextStep + 4,
    );
    expect(n.content.keywords.length).toBeLessThanOrEqual(CHATBOT_LIMITS.keywords);
    expect(Math.max(...n.content.keywords.map((k) => k.length))).toBeLessThanOrEqual(CHATBOT_LIMITS.keyword);
    expect(n.metadata?.summary.length).toBeLessThanOrEqual(CHATBOT_LIMITS.summary);
    expect(n.id?.length).toBeLessThanOrEqual(CHATBOT_LIMITS.id);
    expect(n.metadata?.threadId?.length).toBeLessThanOrEqual(64);
  });

  it("stays far below SNS's 256 KB message limit", () => {
    const bytes = Buffer.byteLength(JSON.stringify(chatbotNotification(big)), "utf8");

    expect(bytes).toBeLessThan(32_768);
  });

  it("never leaves a code block open when sections give way", () => {
    const { description } = chatbotNotification(big).content;

    expect((description.match(/```/g) ?? []).length % 2).toBe(0);
  });

  it("keeps the last log lines, the ones before the crash, when the tail is cut", () => {
    const tail = Array.from({ length: 400 }, (_, i) => `log line number ${i}`);
    const { description } = chatbotNotification(message({ logTail: { lines: tail, source: "web" } })).content;

    expect(description).toContain("log line number 399");
    expect(description).not.toContain("log line number 0\n");
  });

  it("cuts on grapheme boundaries, never splitting an emoji or a surrogate pair", () => {
    const n = chatbotNotification(message({ title: "👩‍👩‍👧‍👦".repeat(200), cause: "😀".repeat(5000) }));
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

    expect(n.content.title).toMatch(/…$/);
    expect(loneSurrogate.test(n.content.title)).toBe(false);
    expect(loneSurrogate.test(n.content.description)).toBe(false);
  });
});

describe("chatbotNotification: hostile text is inert", () => {
  const n = chatbotNotification(hostileMessage());
  const texts = renderedTexts(n);

  it("leaves no angle bracket from the event, so no Slack mention, link or Teams tag can form", () => {
    const withoutOurLinks = n.content.description.replace(/<https:\/\/[^\s<>|]+\|[^<>]*>/g, "");

    expect(withoutOurLinks).not.toMatch(/[<>]/);
    for (const text of [n.content.title, ...n.content.nextSteps, ...n.content.keywords]) {
      expect(text).not.toMatch(/[<>]/);
    }
  });

  it("links only to the https URLs the message carries, with the host shown", () => {
    const links = n.content.description.match(/<[^<>]*>/g) ?? [];

    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(new RegExp(`^<${CONSOLE.replaceAll("?", "\\?")}\\|`));
    expect(n.content.description).toContain("(console.example.test)");
    expect(n.content.description).not.toContain("http://evil.example/page");
    expect(n.content.description).not.toContain("javascript:");
  });

  it("forms no markdown link or image from event text", () => {
    for (const text of texts) expect(text).not.toMatch(/\]\(/);
  });

  it("notifies no one: every broadcast @ is followed by a word joiner", () => {
    for (const text of texts) expect(text).not.toMatch(/@(here|channel|everyone)/i);
  });

  it("turns no event text into formatting or closes our code blocks", () => {
    expect(n.content.title).not.toMatch(/[*~`]|(^|\s)_/);
    expect((n.content.description.match(/```/g) ?? []).length % 2).toBe(0);
    const outsideCode = n.content.description.replace(/```[\s\S]*?```/g, "");
    expect(outsideCode).not.toContain("*bold*");
    expect(outsideCode).toContain("∗bold∗ ˍitalicˍ ∼strike∼");
  });

  it("strips control and bidi characters", () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    const controls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

    for (const text of texts) expect(text).not.toMatch(controls);
  });

  it("keeps hostile names out of custom-action variables and related resources", () => {
    expect(n.metadata?.additionalContext).not.toHaveProperty("cluster");
    expect(n.metadata?.additionalContext).not.toHaveProperty("service");
    expect(n.metadata?.relatedResources).toEqual([]);
  });

  it("keeps underscores inside names so they can still be copied", () => {
    const named = chatbotNotification(message({ cause: "set DB_HOST_NAME and _private_ flags" }));

    expect(named.content.description).toContain("DB_HOST_NAME");
    expect(named.content.description).not.toContain("_private_");
  });
});

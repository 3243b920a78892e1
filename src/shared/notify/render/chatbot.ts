/**
 * Renders a Message as an Amazon Q Developer in chat applications (formerly AWS Chatbot) custom notification:
 * the JSON that is published, as is, as the SNS message body of a topic the chat configuration subscribes to.
 * Pure.
 *
 * What the vendor documents, and this module encodes:
 * https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 * - `version` must be "1.0" and `source` must be "custom"; `id` is an optional unique event identifier.
 * - `content.textType`: only "client-markdown" is supported; the text is rendered in the target chat
 *   platform's own markdown (the guide's samples use Slack's: `*bold*`, `<url|text>` links, `:emoji:`).
 * - `title`, `description` and `nextSteps` are markdown that may carry emojis and mentions, which is exactly
 *   why every piece of untrusted text is made inert here (see `inline` and `code`).
 * - `metadata.threadId` groups notifications into one thread in the channel (when the channel's preferences
 *   allow threaded updates); `summary`, `eventType`, `relatedResources`, `additionalContext` and
 *   `enableCustomActions` are optional metadata.
 * https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CustomActionAttachment.html
 * - A custom action button is attached by matching a notification type against `[a-zA-Z0-9-]+` (at most 100
 *   characters), and it reads variables of printable ASCII (at most 1,024): `eventType` and
 *   `additionalContext` are kept inside those shapes so a user's custom actions can match and use them.
 *
 * Where the guide is silent (it states no field lengths), the limits below are conservative: the tightest
 * Slack Block Kit element each field could plausibly be rendered into (a header's 150 characters, a section's
 * 3,000, a context block's 10 elements), since the notification ends up as a chat message. Lengths are UTF-16
 * code units and cuts fall on grapheme boundaries (`cut`), so no field ever exceeds its limit.
 */
import { createHash } from "node:crypto";
import type { Link, LogTailSection, Message } from "../message.js";
import { cut, ELLIPSIS, neutraliseMentions, singleLine, stripControl } from "../text.js";
import { fitLogTail } from "./log-tail-text.js";
import { SEVERITY_EMOJI, SEVERITY_TAG } from "./severity.js";
import { summaryLine } from "./summary-line.js";
import { isWebUrl } from "./urls.js";

export interface ChatbotContent {
  textType: "client-markdown";
  title: string;
  description: string;
  nextSteps: string[];
  keywords: string[];
}

export interface ChatbotMetadata {
  threadId?: string;
  summary: string;
  eventType: string;
  relatedResources: string[];
  /** Custom-action variables: printable ASCII values only. */
  additionalContext: Record<string, string>;
  enableCustomActions?: boolean;
}

export interface ChatbotNotification {
  version: "1.0";
  source: "custom";
  id?: string;
  content: ChatbotContent;
  metadata?: ChatbotMetadata;
}

export interface ChatbotNotificationOptions {
  /** The thread KEY (a deployment's or an incident's); it is turned into a safe id with `chatbotThreadId`. */
  threadId?: string;
  /** A unique event identifier (e.g. the delivery's idempotency key); unsafe characters are dropped. */
  id?: string;
}

export const CHATBOT_LIMITS = {
  title: 150,
  description: 3000,
  nextSteps: 10,
  /** Each step, so that the numbered list as a whole stays within one 3,000-character section. */
  nextStep: 280,
  keywords: 10,
  keyword: 50,
  summary: 150,
  eventType: 100,
  id: 128,
  relatedResources: 20,
  /** No ECS ARN comes near this; a longer value is not an ARN we produced. */
  resource: 1600,
  contextValue: 1024,
} as const;

/** Room per description section; the description as a whole is still held to `CHATBOT_LIMITS.description`. */
const SECTION = {
  cause: 600,
  reason: 600,
  factValue: 200,
  facts: 12,
  logTail: 700,
  logLine: 200,
  changes: 400,
  changeLines: 8,
  evidence: 500,
  evidenceItems: 6,
  evidenceItem: 200,
  history: 200,
  links: 8,
  linkLabel: 40,
} as const;

/**
 * Look-alikes, one UTF-16 unit each so a cut after the swap equals a cut before it. `<` `>` would open Slack
 * links and mentions (`<!here>`, `<url|text>`) or HTML elsewhere; `[` `]` open markdown links; `*` `~` and the
 * backtick would turn event text into formatting or close our code blocks.
 */
const LOOKALIKES: Readonly<Record<string, string>> = {
  "<": "\u2039",
  ">": "\u203a",
  "[": "\uff3b",
  "]": "\uff3d",
  "*": "\u2217",
  "~": "\u223c",
  "`": "\u02cb",
  "|": "\u01c0",
};
/** An underscore opens emphasis only at a word edge; inside `DB_HOST` it stays, so names can still be copied. */
const EDGE_UNDERSCORE = /(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;
const LOW_LINE_LOOKALIKE = "\u02cd";

function swapMarkup(text: string): string {
  return text.replace(/[<>[\]*~`|]/g, (c) => LOOKALIKES[c] ?? c).replace(EDGE_UNDERSCORE, LOW_LINE_LOOKALIKE);
}

/**
 * A megabyte-long reason or log line says no more in an alert than its start: only a bounded head is made
 * safe, so rendering costs what is shown. The marker keeps the cut visible even if escaping leaves room.
 */
function head(text: string, max: number): string {
  const bound = max * 2 + 16;
  return text.length > bound ? `${text.slice(0, bound)}${ELLIPSIS}` : text;
}

/** Untrusted text for one line of client-markdown: no controls, mentions, links or formatting; cut to `max`. */
function inline(text: string, max: number): string {
  return cut(swapMarkup(neutraliseMentions(singleLine(head(text, max)))), max);
}

/**
 * Untrusted text for inside a code block: line breaks kept; nothing can close the block, open a link or
 * mention. Emphasis characters stay, since no renderer formats inside a code block.
 */
function code(text: string, max: number): string {
  const safe = neutraliseMentions(stripControl(head(text, max)))
    .trimEnd()
    .replace(/[<>[\]|`]/g, (c) => LOOKALIKES[c] ?? c);
  return cut(safe, max);
}

function codeBlock(body: string): string {
  return `\`\`\`\n${body}\n\`\`\``;
}

/** A stable, short id of `[a-z0-9-]` for a thread key: the same key threads together, different keys do not. */
export function chatbotThreadId(key: string): string {
  const kind = (key.split("#")[0] ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "")
    .slice(0, 20);
  const digest = createHash("sha256").update(key, "utf8").digest("hex").slice(0, 32);
  return `${kind || "ecs-sentinel"}-${digest}`;
}

function safeId(id: string): string | undefined {
  const clean = id.replace(/[^A-Za-z0-9._:-]/g, "").slice(0, CHATBOT_LIMITS.id);
  return clean || undefined;
}

/** A notification type a custom action can match: `[a-zA-Z0-9-]+`, at most 100 characters. */
function eventType(m: Message): string {
  const type = `${m.kind}-${m.category}`
    .replace(/[^a-zA-Z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, CHATBOT_LIMITS.eventType)
    .replace(/-$/, "");
  return type || m.kind;
}

function keywords(m: Message): string[] {
  const candidates = [SEVERITY_TAG[m.severity], m.category, m.cluster, m.service ?? m.family];
  const seen = new Set<string>();
  const result: string[] = [];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const token = inline(candidate.replace(/\s+/g, "-"), CHATBOT_LIMITS.keyword);
    const key = token.toLowerCase();
    if (!token || seen.has(key)) continue;
    seen.add(key);
    result.push(token);
  }
  return result.slice(0, CHATBOT_LIMITS.keywords);
}

const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d*:[\x21-\x7e]+$/;

/** ARNs the message knows (in facts and in what its buttons act on), deduplicated, in order. */
function relatedResources(m: Message): string[] {
  const candidates = [
    ...m.facts.map((fact) => fact.value.trim()),
    ...(m.actions ?? []).map((action) => action.subject.serviceArn ?? ""),
  ];
  const arns = candidates.filter(
    (value) => value.length <= CHATBOT_LIMITS.resource && ARN.test(value) && !/[<>|`]/.test(value),
  );
  return [...new Set(arns)].slice(0, CHATBOT_LIMITS.relatedResources);
}

/** Custom-action variables: only values that are printable ASCII already, so no command gets surprises. */
function additionalContext(m: Message): Record<string, string> {
  const candidates: Record<string, string | undefined> = {
    kind: m.kind,
    severity: m.severity,
    category: m.category,
    cluster: m.cluster,
    service: m.service,
    family: m.family,
    account: m.account,
    region: m.region,
  };
  const context: Record<string, string> = {};
  for (const [name, value] of Object.entries(candidates)) {
    if (value && value.length <= CHATBOT_LIMITS.contextValue && /^[\x21-\x7e]+$/.test(value)) {
      context[name] = value;
    }
  }
  return context;
}

function factLines(m: Message): string[] {
  return m.facts
    .slice(0, SECTION.facts)
    .map((fact) => `*${inline(fact.label, 40)}:* ${inline(fact.value, SECTION.factValue)}`);
}

function list(items: readonly string[], max: number, itemMax: number): string[] {
  const lines = items.slice(0, max).map((item) => `• ${inline(item, itemMax)}`);
  if (items.length > max) lines.push(`• … and ${items.length - max} more`);
  return lines;
}

function logTailSection(tail: LogTailSection): string {
  const heading = `*Last log lines* (${inline(tail.source, 120)})`;
  if (tail.lines.length === 0) {
    const why = inline(tail.note ?? "", 200) || "no lines were found";
    return `${heading}\nNot shown: ${why}.`;
  }
  const lines = fitLogTail(tail.lines, {
    maxChars: SECTION.logTail,
    maxLineChars: SECTION.logLine,
    render: (line, max) => code(line, max),
  });
  return `${heading}\n${codeBlock(lines.join("\n"))}`;
}

/**
 * Our own label as the link text (a fact label never comes from the event, and is made inert all the same),
 * followed by the host as plain text, so even a misleading label cannot hide where the link goes.
 */
function linkLine(link: Link, index: number): string | undefined {
  if (!link.url.startsWith("https://") || !isWebUrl(link.url) || link.url.includes("|")) return undefined;
  const label = inline(link.label, SECTION.linkLabel) || `Link ${index + 1}`;
  return `• <${link.url}|${label}> (${new URL(link.url).host})`;
}

interface Section {
  text: string;
  /** Lower keeps its place first when the description runs out of room. */
  priority: number;
}

function descriptionSections(m: Message): Section[] {
  const sections: Section[] = [];
  const cause = inline(m.cause, SECTION.cause);
  if (cause) sections.push({ text: cause, priority: 0 });
  const reason = m.reason ? code(m.reason, SECTION.reason) : "";
  if (reason) sections.push({ text: `*Reason reported by ECS*\n${codeBlock(reason)}`, priority: 1 });
  if (m.facts.length > 0) sections.push({ text: factLines(m).join("\n"), priority: 2 });
  const history = m.history ? inline(m.history, SECTION.history) : "";
  if (history && !m.facts.some((fact) => fact.value === m.history)) {
    sections.push({ text: `*History:* ${history}`, priority: 5 });
  }
  if (m.changes) {
    const lines = list(m.changes.lines, SECTION.changeLines, 150);
    const text = [`*What changed:* ${inline(m.changes.summary, 200)}`, ...lines].join("\n");
    sections.push({ text: cut(text, SECTION.changes), priority: 6 });
  }
  if (m.evidence.length > 0) {
    const lines = list(m.evidence, SECTION.evidenceItems, SECTION.evidenceItem);
    sections.push({ text: cut(["*Evidence*", ...lines].join("\n"), SECTION.evidence), priority: 4 });
  }
  if (m.logTail) sections.push({ text: logTailSection(m.logTail), priority: 7 });
  const links = m.links
    .slice(0, SECTION.links * 4)
    .map(linkLine)
    .filter((line): line is string => line !== undefined)
    .slice(0, SECTION.links);
  if (links.length > 0) sections.push({ text: ["*Links*", ...links].join("\n"), priority: 3 });
  return sections;
}

/** Keeps the most important sections that fit, in reading order; a section is never cut (code blocks stay closed). */
function description(m: Message): string {
  const sections = descriptionSections(m);
  const byPriority = [...sections].sort((a, b) => a.priority - b.priority);
  const kept = new Set<Section>();
  let used = 0;
  for (const section of byPriority) {
    const cost = section.text.length + (kept.size > 0 ? 2 : 0);
    if (used + cost > CHATBOT_LIMITS.description) continue;
    kept.add(section);
    used += cost;
  }
  const text = sections
    .filter((section) => kept.has(section))
    .map((section) => section.text)
    .join("\n\n");
  // The guide's samples always carry a description; an empty message still says what it is.
  return text || summary(m, CHATBOT_LIMITS.description);
}

/** The shared one-line summary; its severity prefix is ours, the rest is escaped. */
function summary(m: Message, max: number): string {
  const prefix = `[${SEVERITY_TAG[m.severity]}] `;
  const line = summaryLine(m);
  const rest = line.startsWith(prefix) ? line.slice(prefix.length) : line;
  return prefix + inline(rest, max - prefix.length);
}

function nextSteps(m: Message): string[] {
  return m.remediation
    .slice(0, CHATBOT_LIMITS.nextSteps * 2)
    .map((step) => inline(step, CHATBOT_LIMITS.nextStep))
    .filter(Boolean)
    .slice(0, CHATBOT_LIMITS.nextSteps)
    .map((step, index) => `${index + 1}. ${step}`);
}

export function chatbotNotification(
  message: Message,
  options: ChatbotNotificationOptions = {},
): ChatbotNotification {
  const m = message;
  const tag = `${SEVERITY_EMOJI[m.severity]} ${SEVERITY_TAG[m.severity]} · `;
  const id = options.id === undefined ? undefined : safeId(options.id);
  const metadata: ChatbotMetadata = {
    summary: summary(m, CHATBOT_LIMITS.summary),
    eventType: eventType(m),
    relatedResources: relatedResources(m),
    additionalContext: additionalContext(m),
  };
  if (options.threadId) metadata.threadId = chatbotThreadId(options.threadId);
  return {
    version: "1.0",
    source: "custom",
    ...(id ? { id } : {}),
    content: {
      textType: "client-markdown",
      title: tag + inline(m.title, CHATBOT_LIMITS.title - tag.length),
      description: description(m),
      nextSteps: nextSteps(m),
      keywords: keywords(m),
    },
    metadata,
  };
}

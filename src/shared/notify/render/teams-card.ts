/**
 * Renders a Message as what a Microsoft Teams "Workflows" webhook ("When a Teams webhook request is received")
 * takes: a `message` whose one attachment is an Adaptive Card. Pure. Vendor rules encoded here:
 * - The envelope, `contentUrl: null` included, and Adaptive Cards only (Workflows do not take connector
 *   MessageCards): learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook
 *   and support.microsoft.com "Create incoming webhooks with Workflows for Microsoft Teams".
 * - "The message size limit is 28 KB. When the size exceeds 28 KB, you receive an error" (same page, and
 *   learn.microsoft.com/microsoftteams/limits-specifications-teams): the serialized payload is kept under
 *   TEAMS_MAX_BYTES by leaving out the least important sections first.
 * - Card schema 1.4 (adaptivecards.io/explorer: TextBlock `color`/`fontType`/`isSubtle`/`spacing`, FactSet,
 *   Container `style`, Action.OpenUrl): everything used here exists since 1.2, and 1.4 is what Teams renders on
 *   every client. `msteams.width: "Full"` widens the card (cards-format page, "Full width Adaptive Card").
 * - Markdown, links, functions and mentions in untrusted text are made inert by `teamsText` / `teamsCode`
 *   (../text.ts says how and why).
 */
import type { Severity } from "../../diagnosis/types.js";
import type { ChangesSection, Fact, Link, LogTailSection, Message } from "../message.js";
import { teamsCode, teamsText } from "../text.js";
import { footerParts } from "./footer.js";
import { fitLogTail } from "./log-tail-text.js";
import { SEVERITY_EMOJI, SEVERITY_TAG } from "./severity.js";
import { isWebUrl } from "./urls.js";

/** Teams' documented 28 KB, taken as 28,000 bytes of UTF-8 JSON so that no reading of "KB" is exceeded. */
export const TEAMS_MAX_BYTES = 28_000;

export const ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
export const ADAPTIVE_CARD_VERSION = "1.4";

type Spacing = "none" | "small" | "default" | "medium" | "large";

export interface TextBlock {
  type: "TextBlock";
  text: string;
  wrap: true;
  size?: "small" | "default" | "medium" | "large";
  weight?: "bolder" | "default";
  color?: "default" | "attention" | "warning" | "good" | "accent";
  fontType?: "monospace";
  isSubtle?: true;
  spacing?: Spacing;
  separator?: true;
}
export interface FactSet {
  type: "FactSet";
  facts: { title: string; value: string }[];
}
export interface Container {
  type: "Container";
  items: CardElement[];
  style?: "emphasis";
  spacing?: Spacing;
}
export type CardElement = TextBlock | FactSet | Container;

export interface OpenUrlAction {
  type: "Action.OpenUrl";
  title: string;
  url: string;
}

export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: "http://adaptivecards.io/schemas/adaptive-card.json";
  version: typeof ADAPTIVE_CARD_VERSION;
  /** What a client that cannot show the card (e.g. a notification) shows instead. */
  fallbackText: string;
  body: CardElement[];
  actions?: OpenUrlAction[];
  msteams: { width: "Full" };
}

export interface TeamsPayload {
  type: "message";
  attachments: [{ contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: AdaptiveCard }];
}

const SEVERITY_COLOR: Readonly<Record<Severity, TextBlock["color"]>> = {
  critical: "attention",
  warning: "warning",
  info: "good",
};

/** Never shortened to fit the size limit: with six maximal links they still stay far below it. */
const TITLE_MAX = 300;
const CAUSE_MAX = 2_000;
const FALLBACK_MAX = 300;
const FOOTER_PART_MAX = 200;
const ACTION_TITLE_MAX = 80;
/** Teams shows a handful of buttons in a row and folds the rest behind "…"; six keep console, logs and docs. */
const MAX_ACTIONS = 6;
/** Console links run to a few hundred characters; this bounds what the buttons can cost of the 28 KB. */
const ACTION_URLS_MAX = 8_000;
const LOG_SOURCE_MAX = 300;
const REASON_LINE_MAX = 1_000;

/** How much of each section a card gets; later budgets give up the least important sections first. */
interface Budget {
  /** Room for the log tail's lines in code units; 0 leaves the tail out (with a note saying so). */
  logTailChars: number;
  evidence: boolean;
  history: boolean;
  changes: boolean;
  listItems: number;
  listItemChars: number;
  facts: number;
  factTitleChars: number;
  factValueChars: number;
  reasonChars: number;
  /** The remediation steps are the last section to go. */
  remediation: boolean;
}

const FULL: Budget = {
  logTailChars: 6_000,
  evidence: true,
  history: true,
  changes: true,
  listItems: 20,
  listItemChars: 600,
  facts: 30,
  factTitleChars: 100,
  factValueChars: 500,
  reasonChars: 3_000,
  remediation: true,
};

const MINIMAL: Budget = {
  logTailChars: 0,
  evidence: false,
  history: false,
  changes: false,
  listItems: 0,
  listItemChars: 0,
  facts: 0,
  factTitleChars: 0,
  factValueChars: 0,
  reasonChars: 0,
  remediation: false,
};

const BUDGETS: readonly Budget[] = [
  FULL,
  { ...FULL, logTailChars: 2_000 },
  { ...FULL, logTailChars: 0 },
  { ...FULL, logTailChars: 0, evidence: false },
  { ...FULL, logTailChars: 0, evidence: false, history: false },
  { ...FULL, logTailChars: 0, evidence: false, history: false, changes: false },
  {
    ...FULL,
    logTailChars: 0,
    evidence: false,
    history: false,
    changes: false,
    listItems: 10,
    listItemChars: 300,
    factValueChars: 200,
    reasonChars: 1_000,
  },
  {
    logTailChars: 0,
    evidence: false,
    history: false,
    changes: false,
    listItems: 5,
    listItemChars: 200,
    facts: 12,
    factTitleChars: 40,
    factValueChars: 120,
    reasonChars: 500,
    remediation: true,
  },
  MINIMAL,
];

function text(value: string, extra: Omit<TextBlock, "type" | "text" | "wrap"> = {}): TextBlock {
  return { type: "TextBlock", text: value, wrap: true, ...extra };
}

function heading(value: string): TextBlock {
  return text(value, { weight: "bolder", spacing: "medium" });
}

/** Each line its own TextBlock: a lone `\n` is no reliable line break in a Teams TextBlock. */
function monospaceLines(lines: readonly string[]): Container {
  return {
    type: "Container",
    style: "emphasis",
    spacing: "small",
    items: lines.map((line) => text(line || " ", { fontType: "monospace", size: "small", spacing: "none" })),
  };
}

function headerBlocks(m: Message): CardElement[] {
  return [
    text(`${SEVERITY_EMOJI[m.severity]} ${SEVERITY_TAG[m.severity]}`, {
      color: SEVERITY_COLOR[m.severity],
      weight: "bolder",
      size: "small",
    }),
    text(teamsText(m.title, TITLE_MAX) || "ECS notification", {
      size: "large",
      weight: "bolder",
      spacing: "none",
    }),
  ];
}

function factSet(facts: readonly Fact[], budget: Budget): FactSet[] {
  const shown = facts.slice(0, budget.facts).map((fact) => ({
    title: teamsText(fact.label, budget.factTitleChars),
    value: teamsText(fact.value, budget.factValueChars) || "-",
  }));
  return shown.length > 0 ? [{ type: "FactSet", facts: shown }] : [];
}

function reasonBlocks(reason: string, budget: Budget): CardElement[] {
  if (budget.reasonChars === 0 || !reason.trim()) return [];
  // Unlike a log tail, a reason is read from its start: lines past the budget are the ones left out.
  const lines: string[] = [];
  let room = budget.reasonChars;
  for (const line of reason.trim().split(/\r\n?|\n|[\u2028\u2029]/)) {
    const shown = teamsCode(line, Math.min(REASON_LINE_MAX, room));
    if (!shown) break;
    lines.push(shown);
    room -= shown.length;
  }
  return [heading("Reason reported by ECS"), monospaceLines(lines)];
}

/** The last lines, cut from the top; when they are left out (unreadable, or for size) a line says why. */
function logTailBlocks(tail: LogTailSection, budget: Budget): CardElement[] {
  const title = heading(`Last log lines · ${teamsText(tail.source, LOG_SOURCE_MAX)}`);
  const where = tail.link ? " Open the log stream with the button below." : "";
  if (tail.lines.length === 0) {
    const why = teamsText(tail.note?.trim() || "no lines were found", 1_000);
    return [title, text(`Not shown: ${why}.${where}`, { isSubtle: true })];
  }
  if (budget.logTailChars === 0) {
    return [title, text(`Not shown: the card would exceed Teams' size limit.${where}`, { isSubtle: true })];
  }
  const lines = fitLogTail(tail.lines, {
    maxChars: budget.logTailChars,
    maxLineChars: 500,
    render: teamsCode,
  });
  return [title, monospaceLines(lines)];
}

/**
 * A heading over one TextBlock per item, each started by `marker(index)`; items past the budget are counted in
 * a last "… and N more". The zero-width space `teamsText` puts before "1." keeps it from becoming a markdown list.
 */
function listBlocks(
  title: string,
  items: readonly string[],
  marker: (index: number) => string,
  budget: Budget,
): CardElement[] {
  if (items.length === 0 || budget.listItems === 0) return [];
  const shown = items.slice(0, budget.listItems);
  const blocks: CardElement[] = [heading(title)];
  for (const [index, item] of shown.entries()) {
    blocks.push(text(teamsText(`${marker(index)}${item}`, budget.listItemChars), { spacing: "small" }));
  }
  const more = items.length - shown.length;
  if (more > 0) blocks.push(text(`… and ${more} more`, { isSubtle: true, spacing: "small" }));
  return blocks;
}

function changesBlocks(changes: ChangesSection, budget: Budget): CardElement[] {
  if (!budget.changes) return [];
  const items = [changes.lines.length > 0 ? `${changes.summary}:` : changes.summary, ...changes.lines];
  return listBlocks("What changed", items, (index) => (index === 0 ? "" : "• "), budget);
}

function historyBlocks(m: Message, budget: Budget): CardElement[] {
  const history = m.history?.trim();
  // Diagnoses also carry it as a fact; shown once is enough.
  if (!budget.history || !history || m.facts.some((fact) => fact.value === m.history)) return [];
  return [heading("History"), text(teamsText(history, 1_000), { spacing: "small" })];
}

function footerBlock(m: Message): TextBlock {
  const line = footerParts(m)
    .map((part) => teamsText(part, FOOTER_PART_MAX))
    .join(" · ");
  return text(line, { size: "small", isSubtle: true, separator: true, spacing: "medium" });
}

/** https links only, whole or not at all, at most MAX_ACTIONS and ACTION_URLS_MAX characters of URLs. */
function openUrlActions(links: readonly Link[]): OpenUrlAction[] {
  const actions: OpenUrlAction[] = [];
  let room = ACTION_URLS_MAX;
  for (const link of links) {
    if (actions.length === MAX_ACTIONS) break;
    if (!isWebUrl(link.url) || !link.url.toLowerCase().startsWith("https://") || link.url.length > room)
      continue;
    room -= link.url.length;
    actions.push({
      type: "Action.OpenUrl",
      title: teamsText(link.label, ACTION_TITLE_MAX) || "Open",
      url: link.url,
    });
  }
  return actions;
}

function card(m: Message, budget: Budget): AdaptiveCard {
  const body: CardElement[] = [...headerBlocks(m)];
  if (m.cause.trim()) body.push(text(teamsText(m.cause, CAUSE_MAX)));
  body.push(...factSet(m.facts, budget));
  if (m.reason) body.push(...reasonBlocks(m.reason, budget));
  if (m.logTail) body.push(...logTailBlocks(m.logTail, budget));
  if (m.changes) body.push(...changesBlocks(m.changes, budget));
  if (budget.evidence) body.push(...listBlocks("Evidence", m.evidence, () => "• ", budget));
  if (budget.remediation) body.push(...listBlocks("What to do", m.remediation, (i) => `${i + 1}. `, budget));
  body.push(...historyBlocks(m, budget));
  body.push(footerBlock(m));
  const actions = openUrlActions(m.links);
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: ADAPTIVE_CARD_VERSION,
    fallbackText: teamsText(`${SEVERITY_TAG[m.severity]}: ${m.title}`, FALLBACK_MAX),
    body,
    ...(actions.length > 0 ? { actions } : {}),
    msteams: { width: "Full" },
  };
}

function envelope(content: AdaptiveCard): TeamsPayload {
  return {
    type: "message",
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content }],
  };
}

const utf8 = new TextEncoder();

/** Bytes Teams counts: the UTF-8 JSON that is posted. */
export function teamsPayloadBytes(payload: TeamsPayload): number {
  return utf8.encode(JSON.stringify(payload)).length;
}

/**
 * The fullest card that fits TEAMS_MAX_BYTES. The last budget keeps the header, title, cause, footer and
 * links only, whose own limits keep it below the size limit whatever the message holds.
 */
export function teamsPayload(message: Message): TeamsPayload {
  for (const budget of BUDGETS.slice(0, -1)) {
    const payload = envelope(card(message, budget));
    if (teamsPayloadBytes(payload) <= TEAMS_MAX_BYTES) return payload;
  }
  return envelope(card(message, MINIMAL));
}

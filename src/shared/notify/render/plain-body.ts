/**
 * The plain-text body shared by email and the terminal: cause, reason, facts, evidence, numbered steps, links.
 * Untrusted text loses its control characters (terminal escapes, bidi overrides) and is cut to bounded sizes,
 * so the body stays well inside SNS's 256 KB whatever the input. Pure.
 */
import type { ChangesSection, LogTailSection, Message } from "../message.js";
import { cut, singleLine, stripControl } from "../text.js";
import { fitLogTail } from "./log-tail-text.js";
import { isWebUrl } from "./urls.js";

/** How headings and labels look; the terminal adds colour, email keeps them plain. */
export interface PlainStyle {
  heading: (text: string) => string;
  label: (text: string) => string;
  /** Pad labels to one column (terminal), or write "Label: value" (email). */
  alignFacts: boolean;
}

const LIMITS = {
  cause: 2000,
  reason: 4000,
  factValue: 500,
  item: 500,
  evidenceItems: 50,
  remediationItems: 20,
  links: 25,
  logTail: 6000,
  logLine: 500,
  changeLines: 20,
} as const;

function indent(text: string, prefix: string, continuation = " ".repeat(prefix.length)): string {
  return text
    .split("\n")
    .map((line, index) => (index === 0 ? prefix : continuation) + line)
    .join("\n");
}

function list(items: readonly string[], max: number, marker: (index: number) => string): string[] {
  const lines = items.slice(0, max).map((item, index) => {
    const text = cut(stripControl(item).trim(), LIMITS.item);
    return indent(text, `  ${marker(index)}`);
  });
  if (items.length > max) lines.push(`  … and ${items.length - max} more`);
  return lines;
}

function factLines(m: Message, style: PlainStyle): string[] {
  const width = Math.max(0, ...m.facts.map((fact) => singleLine(fact.label).length)) + 1;
  return m.facts.map((fact) => {
    const label = `${singleLine(fact.label)}:`;
    const padded = style.alignFacts ? label.padEnd(width) : label;
    return `  ${style.label(padded)} ${cut(singleLine(fact.value), LIMITS.factValue)}`;
  });
}

/** The tail as an indented block, cut from the top; or why it is missing (the Links section has the stream). */
function logTailLines(tail: LogTailSection, style: PlainStyle): string[] {
  const heading = style.heading(`Last log lines (${cut(singleLine(tail.source), 300)}):`);
  if (tail.lines.length === 0) {
    const why = cut(singleLine(tail.note ?? "") || "no lines were found", 1000);
    return [heading, `  Not shown: ${why}.${tail.link ? " See the log stream link below." : ""}`];
  }
  const lines = fitLogTail(tail.lines, {
    maxChars: LIMITS.logTail,
    maxLineChars: LIMITS.logLine,
    render: (line, max) => cut(stripControl(line).trimEnd(), max),
  });
  return [heading, ...lines.map((line) => `    ${line}`)];
}

function changesLines(changes: ChangesSection, style: PlainStyle): string[] {
  const summary = cut(singleLine(changes.summary), LIMITS.item);
  return [
    style.heading("What changed:"),
    `  ${summary}${changes.lines.length > 0 ? ":" : ""}`,
    ...list(changes.lines, LIMITS.changeLines, () => "- "),
  ];
}

/** The sections in order, each a block of lines; empty sections are left out. */
export function plainSections(m: Message, style: PlainStyle): string[][] {
  const sections: string[][] = [];
  const cause = cut(stripControl(m.cause).trim(), LIMITS.cause);
  if (cause) sections.push([cause]);
  const reason = m.reason ? cut(stripControl(m.reason).trim(), LIMITS.reason) : "";
  if (reason) sections.push([style.heading("Reason reported by ECS:"), indent(reason, "    ")]);
  if (m.facts.length > 0) sections.push([style.heading("Details:"), ...factLines(m, style)]);
  if (m.logTail) sections.push(logTailLines(m.logTail, style));
  if (m.changes) sections.push(changesLines(m.changes, style));
  if (m.evidence.length > 0) {
    sections.push([style.heading("Evidence:"), ...list(m.evidence, LIMITS.evidenceItems, () => "- ")]);
  }
  if (m.remediation.length > 0) {
    const steps = list(m.remediation, LIMITS.remediationItems, (index) => `${index + 1}. `);
    sections.push([style.heading("What to do:"), ...steps]);
  }
  const links = m.links.filter((link) => isWebUrl(link.url)).slice(0, LIMITS.links);
  if (links.length > 0) {
    const lines = links.map((link) => `  ${cut(singleLine(link.label), 80)}: ${link.url}`);
    sections.push([style.heading("Links:"), ...lines]);
  }
  return sections;
}

/** Renders a Message for a terminal (`replay --dry-run`, the console notifier). Pure. */
import type { Severity } from "../../diagnosis/types.js";
import type { Message } from "../message.js";
import { cut, singleLine } from "../text.js";
import { footerParts } from "./footer.js";
import { type PlainStyle, plainSections } from "./plain-body.js";
import { SEVERITY_TAG } from "./severity.js";

export interface ConsoleOptions {
  /** ANSI colours; off for pipes, files and NO_COLOR (the caller decides). */
  color: boolean;
}

const SEVERITY_COLOR: Readonly<Record<Severity, string>> = {
  critical: "\u001b[1;31m",
  warning: "\u001b[1;33m",
  info: "\u001b[1;36m",
};
const BOLD = "\u001b[1m";
const DIM = "\u001b[2m";
const RESET = "\u001b[0m";

export function renderConsole(m: Message, opts: ConsoleOptions): string {
  const paint = (code: string, text: string): string => (opts.color ? `${code}${text}${RESET}` : text);
  const style: PlainStyle = {
    heading: (text) => paint(BOLD, text),
    label: (text) => paint(DIM, text),
    alignFacts: true,
  };
  const tag = paint(SEVERITY_COLOR[m.severity], `[${SEVERITY_TAG[m.severity]}]`);
  const title = `${tag} ${paint(BOLD, cut(singleLine(m.title), 500))}`;
  const footer = paint(DIM, footerParts(m).map(singleLine).join(" · "));
  const blocks = [[title], ...plainSections(m, style), [footer]];
  return `${blocks.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}

/** The one-line summary used where only a line fits (Slack's notification text). Pure. */
import type { Message } from "../message.js";
import { SEVERITY_TAG } from "./severity.js";

/**
 * "[CRITICAL] out-of-memory · api · container web ran out of memory": severity, category, what it is about,
 * then the title without the service or family name it starts with. Untrusted: escape for the channel.
 */
export function summaryLine(m: Message): string {
  const subject = m.service ?? m.family;
  const prefix = subject ? `${subject}: ` : "";
  const headline = prefix && m.title.startsWith(prefix) ? m.title.slice(prefix.length) : m.title;
  return [`[${SEVERITY_TAG[m.severity]}] ${m.category}`, subject, headline].filter(Boolean).join(" · ");
}

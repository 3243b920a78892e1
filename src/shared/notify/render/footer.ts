/** The closing line every rendering shares: severity · category · account · region · time. Pure. */
import type { Message } from "../message.js";
import { SEVERITY_TAG } from "./severity.js";
import { formatUtc } from "./time.js";

/** Untrusted pieces are returned raw: each renderer escapes them for its channel. */
export function footerParts(m: Message): string[] {
  return [
    SEVERITY_TAG[m.severity],
    m.category,
    m.account ? `account ${m.accountName ? `${m.accountName} (${m.account})` : m.account}` : undefined,
    m.region,
    m.time ? formatUtc(m.time) : undefined,
  ].filter((part): part is string => Boolean(part));
}

/** One fact of a deployment card, kept to one short line: apart from card-facts.ts so a stop's patch needs no more. */
import type { Fact } from "../notify/message.js";
import { cut, singleLine } from "../notify/text.js";

/** Card facts stay short: a card is read at a glance, the details go to the thread. */
export const MAX_FACT_CHARS = 200;

/** One line, at most MAX_FACT_CHARS (ellipsis included). */
export function shortFact(text: string, max = MAX_FACT_CHARS): string {
  return cut(singleLine(text), max);
}

export function fact(label: string, value: string): Fact {
  return { label, value: shortFact(value) };
}

/**
 * Fits a log tail into a channel's room. Unlike other text, a tail is cut from the TOP: the lines just
 * before the crash matter most. Each line is made safe by the channel's `render` first (escaping can only
 * lengthen it), then the last lines that fit are kept behind a "… N earlier lines cut" line. Only the lines
 * kept are rendered: a tail of thousands of long lines costs what the few shown cost. Pure.
 */
import { cutMarker } from "../../enrich/log-lines.js";

export interface TailFit {
  /** Room for the joined lines, in UTF-16 code units. */
  maxChars: number;
  /** Room for one rendered line; a 10 KB line says no more in an alert than its start. */
  maxLineChars: number;
  /** Escapes and cuts one line to at most `max` code units (e.g. `mrkdwnCode`). */
  render: (line: string, max: number) => string;
}

/** Log lines may carry line breaks of their own (hostile or multi-line events): each becomes a line. */
function physicalLines(lines: readonly string[]): string[] {
  return lines.flatMap((line) => line.split(/\r\n?|\n|[\u2028\u2029]/));
}

/** Renders lines from the last one backwards and stops at the first that no longer fits. */
export function fitLogTail(lines: readonly string[], fit: TailFit): string[] {
  const all = physicalLines(lines);
  const kept: string[] = [];
  let used = 0;
  for (let i = all.length - 1; i >= 0; i--) {
    const line = fit.render(all[i] ?? "", fit.maxLineChars);
    // Room for the marker line, unless this is the very first line.
    const reserve = i > 0 ? cutMarker(i).length + 1 : 0;
    const cost = line.length + (kept.length > 0 ? 1 : 0);
    if (used + cost + reserve > fit.maxChars) break;
    kept.unshift(line);
    used += cost;
  }
  const dropped = all.length - kept.length;
  return dropped > 0 ? [cutMarker(dropped), ...kept] : kept;
}

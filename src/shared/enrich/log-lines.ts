/**
 * Turns raw log messages into lines fit for an alert: one line per row, no terminal colour codes, long lines
 * shortened, secrets masked, and the whole cut to a size budget keeping the LAST lines (the ones just before
 * the crash). Lengths are UTF-16 code units, as Slack counts them; cuts never split a character. Pure.
 */
import { maskLines } from "./masking.js";

/** Fits a Slack section (3000) with room for the code fence and a heading. */
export const DEFAULT_MAX_CHARS = 2500;
/** One line longer than this says little more in an alert; the console has the rest. */
export const DEFAULT_MAX_LINE_CHARS = 500;

export interface ShapeOptions {
  maxChars?: number;
  maxLineChars?: number;
}

export interface ShapedLines {
  lines: string[];
  /** True when a line was shortened or earlier lines were dropped. */
  truncated: boolean;
}

const ELLIPSIS = "…";
// Colour and cursor escape sequences (ESC [ ... letter), then other control characters except tab.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point here.
const ANSI_ESCAPE = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point here.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** The longest prefix of whole characters (grapheme clusters) that fits in `maxUnits` UTF-16 code units. */
function fittingPrefix(text: string, maxUnits: number): string {
  // Segment only the start: boundaries up to maxUnits depend on a few characters after them at most,
  // and segmenting a whole 256 KB event would cost far more than the cut.
  const head = text.slice(0, maxUnits + 32);
  let end = 0;
  for (const { segment, index } of graphemes.segment(head)) {
    if (index + segment.length > maxUnits) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/** Shortens text to at most `maxUnits` code units, ending with "…" when something was cut. */
export function truncateText(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  if (maxUnits <= 0) return "";
  return `${fittingPrefix(text, maxUnits - ELLIPSIS.length)}${ELLIPSIS}`;
}

/** Splits multi-line messages into display lines and removes terminal control sequences. */
export function splitMessages(messages: readonly string[]): string[] {
  const lines = messages.flatMap((message) =>
    message
      .replace(/\r?\n$/, "")
      .split(/\r?\n/)
      .map((line) => line.replace(ANSI_ESCAPE, "").replace(CONTROL, "").trimEnd()),
  );
  return lines;
}

export function cutMarker(count: number): string {
  return `${ELLIPSIS} ${count} earlier ${count === 1 ? "line" : "lines"} cut`;
}

/**
 * Keeps the last lines that fit in `maxChars` once joined with newlines, behind a "… N earlier lines cut"
 * marker line that counts toward the budget. When even the last line does not fit, it is shortened.
 */
export function keepLastLines(lines: readonly string[], maxChars: number): ShapedLines {
  const total = lines.reduce((sum, line) => sum + line.length, 0) + Math.max(0, lines.length - 1);
  if (total <= maxChars) return { lines: [...lines], truncated: false };

  const kept: string[] = [];
  let used = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? "";
    const marker = cutMarker(i);
    // The marker is needed unless this line is the first one.
    const reserve = i > 0 ? marker.length + 1 : 0;
    const cost = line.length + (kept.length > 0 ? 1 : 0);
    if (used + cost + reserve > maxChars) break;
    kept.unshift(line);
    used += cost;
  }
  const dropped = lines.length - kept.length;
  if (kept.length === 0) {
    // Not even the last line fits beside the marker: shorten it.
    const marker = cutMarker(dropped - 1);
    const room = Math.max(0, maxChars - marker.length - 1);
    const last = truncateText(lines.at(-1) ?? "", room);
    return { lines: dropped > 1 ? [marker, last] : [last], truncated: true };
  }
  return { lines: [cutMarker(dropped), ...kept], truncated: true };
}

/** Raw messages -> masked display lines within the size budget (see the module comment). */
export function shapeLogLines(messages: readonly string[], options: ShapeOptions = {}): ShapedLines {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const maxLineChars = Math.min(options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS, maxChars);
  const split = splitMessages(messages);
  // Shorten before masking: it bounds the regex work on 256 KB log events, and a secret cut in half is
  // still matched by its label (password=...) or prefix (eyJ..., -----BEGIN).
  const shortened = split.map((line) => truncateText(line, maxLineChars));
  const masked = maskLines(shortened);
  const cut = keepLastLines(masked, maxChars);
  const lineShortened = shortened.some((line, i) => line !== split[i]);
  return { lines: cut.lines, truncated: cut.truncated || lineShortened };
}

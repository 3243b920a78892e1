/** Event times as people read them in a notification: always UTC, never the reader's guess. Pure. */
import { singleLine } from "../text.js";

function parse(iso: string): Date | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "2024-05-01T10:42:07.123Z" -> "2024-05-01 10:42:07 UTC"; text that is not a time is shown as it is. */
export function formatUtc(iso: string): string {
  const date = parse(iso);
  return date ? `${date.toISOString().slice(0, 19).replace("T", " ")} UTC` : singleLine(iso);
}

/** "2024-05-01T10:42:07Z" -> "10:42"; text that is not a time is shown as it is. */
export function formatClock(iso: string): string {
  const date = parse(iso);
  return date ? date.toISOString().slice(11, 16) : singleLine(iso);
}

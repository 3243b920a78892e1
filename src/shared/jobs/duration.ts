/** Durations as people write them in jobs.yml: "90s", "30m", "2h", "1h30m", "1d". Pure. */

const UNIT_SECONDS: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };

/** Seconds in `text`, or undefined when it is not a positive duration like "2h" or "1h30m". */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim().toLowerCase();
  if (!/^(\d+[dhms])+$/.test(compact)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of compact.matchAll(/(\d+)([dhms])/g)) {
    seconds += Number(amount) * (UNIT_SECONDS[unit ?? "s"] ?? 1);
  }
  return seconds > 0 ? seconds : undefined;
}

/** 7200 -> "2h", 5400 -> "1h30m", 45 -> "45s": the shortest form that parseDuration reads back. */
export function formatDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.round(totalSeconds));
  if (rest === 0) return "0s";
  let out = "";
  for (const [unit, size] of Object.entries(UNIT_SECONDS)) {
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      out += `${amount}${unit}`;
      rest -= amount * size;
    }
  }
  return out;
}

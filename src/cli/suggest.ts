/** "Did you mean …?": the nearest known word to a mistyped command or option. Pure. */

/** Edit distance with adjacent transpositions (Damerau, optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The known word nearest to `word`, if it is plausibly a typo of it: at most a third of its letters off
 * (at least one), or the same word with its dashes dropped or doubled ("dryrun", "-json").
 */
export function nearest(word: string, known: readonly string[]): string | undefined {
  const bare = (s: string) => s.toLowerCase().replace(/^-+/, "").replace(/[-_]/g, "");
  let best: { word: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance =
      bare(word) === bare(candidate) ? 0 : editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { word: candidate, distance };
  }
  if (!best) return undefined;
  const limit = Math.max(1, Math.floor(bare(best.word).length / 3));
  return best.distance <= limit ? best.word : undefined;
}

/** ` Did you mean "x"?` or nothing. */
export function didYouMean(word: string, known: readonly string[]): string {
  const match = nearest(word, known);
  return match ? ` Did you mean "${match}"?` : "";
}

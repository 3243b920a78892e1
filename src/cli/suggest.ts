/** "Did you mean …?": the nearest known word to a mistyped command or option. Pure. */
import { editDistance } from "../shared/edit-distance.js";

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

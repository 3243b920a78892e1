/**
 * How hard the fuzz properties run. `FUZZ_RUNS` multiplies every property's numRuns (and its timeout) for a
 * long local run, e.g. `FUZZ_RUNS=50 npx vitest run test/fuzz`; CI uses the defaults. Seeds stay random:
 * fast-check prints the seed and path of a failure, and `fc.assert(..., { seed, path })` replays it.
 */
const multiplier = (() => {
  const value = Number(process.env.FUZZ_RUNS ?? "1");
  return Number.isFinite(value) && value > 0 ? value : 1;
})();

/** numRuns for a property, scaled by FUZZ_RUNS. */
export function runs(base: number): { numRuns: number } {
  return { numRuns: Math.max(1, Math.round(base * multiplier)) };
}

/** Per-test timeout: generous, because a slow 2-core CI machine must not fail a property by the clock. */
export const FUZZ_TIMEOUT = Math.round(120_000 * multiplier);

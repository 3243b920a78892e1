import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventParseError, parseEcsEvent, parseTask } from "../../src/shared/events/index.js";
import { hugeString, oddNumber, rawTaskArb } from "./arbitraries.js";
import { REAL_EVENTS, TASK_EVENTS } from "./fixtures.js";
import { mutatedEventArb } from "./mutations.js";
import { FUZZ_TIMEOUT, runs } from "./runs.js";

/** Returns normally, or throws an EventParseError that names a path; anything else fails the property. */
function parsesOrRejectsCleanly(parse: (raw: unknown) => unknown, raw: unknown): void {
  try {
    parse(raw);
  } catch (error) {
    if (!(error instanceof EventParseError)) throw error;
    expect(error.path.length).toBeGreaterThan(0);
    expect(error.message.length).toBeGreaterThan(0);
  }
}

/** Everything fast-check can build: Maps, Sets, BigInts, Dates, typed and sparse arrays, boxed values... */
const anyValue = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
});

/** An event envelope around any detail, so the detail schemas are reached, not only the envelope's. */
const envelopeAround = (detail: fc.Arbitrary<unknown>) =>
  fc.record({
    id: fc.string(),
    source: fc.constant("aws.ecs"),
    "detail-type": fc.constantFrom(
      "ECS Task State Change",
      "ECS Deployment State Change",
      "ECS Service Action",
    ),
    resources: fc.oneof(fc.array(fc.string(), { maxLength: 2 }), anyValue),
    detail,
  });

describe("parseEcsEvent and parseTask on random input", () => {
  it(
    "never throws anything but EventParseError from parseEcsEvent for random JSON",
    () => {
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue(), envelopeAround(fc.jsonValue())), (raw) => {
          parsesOrRejectsCleanly(parseEcsEvent, raw);
        }),
        runs(2000),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "never throws anything but EventParseError from parseEcsEvent for any JavaScript value",
    () => {
      fc.assert(
        fc.property(fc.oneof(anyValue, envelopeAround(anyValue)), (raw) => {
          parsesOrRejectsCleanly(parseEcsEvent, raw);
        }),
        runs(2000),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "never throws anything but EventParseError from parseTask for any JavaScript value",
    () => {
      fc.assert(
        fc.property(fc.oneof(anyValue, fc.jsonValue()), (raw) => {
          parsesOrRejectsCleanly(parseTask, raw);
        }),
        runs(1500),
      );
    },
    FUZZ_TIMEOUT,
  );
});

describe("parseEcsEvent and parseTask on mutated real events", () => {
  it("parses every real event unmutated (the mutations start from valid input)", () => {
    const unparsed = REAL_EVENTS.filter(({ event }) => {
      try {
        parseEcsEvent(event);
        return false;
      } catch {
        return true;
      }
    }).map(({ file }) => file);

    expect(unparsed.filter((file) => !/container-instance|hook-state|daemon/.test(file))).toEqual([]);
  });

  it(
    "never throws anything but EventParseError from parseEcsEvent for mutated real events",
    () => {
      fc.assert(
        fc.property(mutatedEventArb(), ({ event }) => {
          parsesOrRejectsCleanly(parseEcsEvent, event);
        }),
        runs(2500),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "never throws anything but EventParseError from parseTask for the detail of mutated task events",
    () => {
      fc.assert(
        fc.property(mutatedEventArb({ from: TASK_EVENTS }), ({ event }) => {
          parsesOrRejectsCleanly(parseTask, (event as { detail?: unknown }).detail);
        }),
        runs(2000),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "never throws anything but EventParseError from parseEcsEvent with 100 KB strings in real events",
    () => {
      fc.assert(
        fc.property(mutatedEventArb({ huge: true }), ({ event }) => {
          parsesOrRejectsCleanly(parseEcsEvent, event);
        }),
        runs(150),
      );
    },
    FUZZ_TIMEOUT,
  );
});

describe("parseTask on generated tasks", () => {
  it(
    "accepts every task built from the schema's fields and keeps its taskArn",
    () => {
      fc.assert(
        fc.property(rawTaskArb(), (raw) => {
          const task = parseTask(raw);

          expect(task.taskArn).toBe(raw.taskArn);
          expect(Array.isArray(task.containers)).toBe(true);
        }),
        runs(1500),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "gives the same task when its own output is parsed again",
    () => {
      fc.assert(
        fc.property(rawTaskArb(), (raw) => {
          const once = parseTask(raw);

          expect(parseTask(once)).toEqual(once);
        }),
        runs(1000),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "keeps a 100 KB stoppedReason and container reason whole",
    () => {
      fc.assert(
        fc.property(rawTaskArb(), hugeString, (raw, huge) => {
          const task = parseTask({
            ...raw,
            stoppedReason: huge,
            containers: [{ name: "web", reason: huge }],
          });

          expect(task.stoppedReason).toBe(huge);
          expect(task.containers[0]?.reason).toBe(huge);
        }),
        runs(50),
      );
    },
    FUZZ_TIMEOUT,
  );

  // F1 in FINDINGS.md (fixed in src/shared/events/schemas.ts).
  it(
    "drops a numeric timestamp outside Date's range instead of throwing RangeError (F1)",
    () => {
      const field = fc.constantFrom(
        "createdAt",
        "startedAt",
        "stoppingAt",
        "stoppedAt",
        "pullStartedAt",
        "updatedAt",
      );
      const outOfRange = fc.oneof(
        fc.double({ min: 8.64e15 + 1, noNaN: true, noDefaultInfinity: true }),
        fc.double({ max: -8.64e12 - 1, noNaN: true, noDefaultInfinity: true }),
      );
      fc.assert(
        fc.property(field, outOfRange, (key, value) => {
          const task = parseTask({ taskArn: "arn:aws:ecs:us-east-1:1:task/c/1", [key]: value });

          expect((task as Record<string, unknown>)[key]).toBeUndefined();
        }),
        runs(200),
      );
    },
    FUZZ_TIMEOUT,
  );
});

// Keep the generator of wrong numbers honest: it must produce values that reach F1.
describe("the wrong-number generator", () => {
  it("includes numbers outside Date's range", () => {
    const samples = fc.sample(oddNumber, { numRuns: 500, seed: 1 });

    expect(samples.some((n) => Math.abs(n) > 8.64e15)).toBe(true);
  });
});

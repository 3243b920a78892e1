/**
 * Table tests of the diagnosis engine against real-worded stopped-task events (test/fixtures/stopped-tasks)
 * and a wider table of real stop reasons (test/fixtures/stop-reasons.json). Sources are in the fixtures.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { CATEGORIES, type Category } from "../../src/shared/diagnosis/types.js";
import { DETAIL_TYPES, type EcsTask, parseEcsEvent } from "../../src/shared/events/index.js";
import { type StopReason, taskFromStopReason } from "./stop-reason-table.js";

const FIXTURES_DIR = fileURLToPath(new URL("../fixtures/stopped-tasks/", import.meta.url));
const STOP_REASONS_FILE = fileURLToPath(new URL("../fixtures/stop-reasons.json", import.meta.url));

const MIN_FIXTURES = 60;
const MIN_PER_CATEGORY = 2;
const MIN_STOP_REASONS = 120;
const MIN_AGREEMENT = 0.95;

interface Expectation {
  category: Category;
  culprit?: string;
  source: string;
  change: string;
  note?: string;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

const expectations = readJson(`${FIXTURES_DIR}expected.json`) as Record<string, Expectation>;
const fixtureFiles = readdirSync(FIXTURES_DIR).filter(
  (name) => name.endsWith(".json") && name !== "expected.json",
);
const stopReasons = readJson(STOP_REASONS_FILE) as StopReason[];

function loadStoppedTask(file: string): EcsTask {
  const event = parseEcsEvent(readJson(`${FIXTURES_DIR}${file}`));
  if (event["detail-type"] !== DETAIL_TYPES.task) {
    throw new Error(`${file} is a ${event["detail-type"]} event, not a task state change`);
  }
  return event.detail;
}

const fixtureCases = Object.entries(expectations).map(([file, expectation]) => ({ file, ...expectation }));

describe("stopped-task fixture corpus", () => {
  it.each(fixtureCases)("classifies $file as $category", ({ file, category, culprit }) => {
    const task = loadStoppedTask(file);

    const diagnosis = diagnoseTask(task);

    expect(diagnosis.category).toBe(category);
    if (culprit !== undefined) {
      expect(diagnosis.culprit?.name).toBe(culprit);
    }
  });

  it("has an expectation for every fixture file and a fixture file for every expectation", () => {
    const expected = Object.keys(expectations).sort();

    const onDisk = [...fixtureFiles].sort();

    expect(onDisk).toEqual(expected);
  });

  it(`holds at least ${MIN_FIXTURES} fixtures`, () => {
    expect(fixtureFiles.length).toBeGreaterThanOrEqual(MIN_FIXTURES);
  });

  it.each([...CATEGORIES])(`covers %s with at least ${MIN_PER_CATEGORY} fixtures`, (category) => {
    const count = fixtureCases.filter((c) => c.category === category).length;

    expect(count).toBeGreaterThanOrEqual(MIN_PER_CATEGORY);
  });

  it("names each fixture after its expected category and cites a source", () => {
    const misnamed = fixtureCases.filter(
      (c) => !c.file.startsWith(`${c.category}--`) || c.source.trim() === "",
    );

    expect(misnamed).toEqual([]);
  });
});

describe("real stop reasons table", () => {
  it(`holds at least ${MIN_STOP_REASONS} entries, each with a known category and a source`, () => {
    const invalid = stopReasons.filter(
      (entry) => !(CATEGORIES as readonly string[]).includes(entry.expected) || entry.source.trim() === "",
    );

    expect(stopReasons.length).toBeGreaterThanOrEqual(MIN_STOP_REASONS);
    expect(invalid).toEqual([]);
  });

  it(`agrees with at least ${MIN_AGREEMENT * 100}% of the collected stop reasons`, () => {
    const disagreements = stopReasons.flatMap((entry, index) => {
      const actual = diagnoseTask(taskFromStopReason(entry, index)).category;
      return actual === entry.expected
        ? []
        : [
            {
              expected: entry.expected,
              actual,
              stoppedReason: entry.stoppedReason,
              containerReason: entry.containerReason,
            },
          ];
    });

    const agreement = 1 - disagreements.length / stopReasons.length;
    if (disagreements.length > 0) {
      // Printed on purpose: the engine author fixes rules from this list.
      console.table(
        disagreements.map((d) => ({
          ...d,
          stoppedReason: d.stoppedReason.slice(0, 90),
          containerReason: d.containerReason?.slice(0, 90),
        })),
      );
    }

    expect(agreement).toBeGreaterThanOrEqual(MIN_AGREEMENT);
  });
});

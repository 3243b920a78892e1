import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { contextFromTaskDefinition } from "../../src/shared/enrich/task-definition-context.js";
import { completeRun } from "../../src/shared/jobs/completion.js";
import { stringMap } from "../../src/shared/jobs/job-values.js";
import { fromDiagnosis } from "../../src/shared/notify/from-diagnosis.js";
import { makeRun, stoppedTask as stoppedJobTask } from "../jobs/fixtures.js";
import { exited } from "./task-builder.js";

// Container names come from users' task definitions; ECS allows "__proto__" and "constructor" (letters,
// digits, hyphens, underscores), so lookups by name must never read or write an object's prototype.
describe("containers named like Object prototype keys", () => {
  it("keeps the exit code of a container named __proto__", () => {
    const diagnosis = diagnoseTask(
      exited(137, undefined, { containers: [{ name: "__proto__", exitCode: 137 }] }),
    );

    expect(Object.hasOwn(diagnosis.exitCodes ?? {}, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(diagnosis.exitCodes ?? {}, "__proto__")?.value).toBe(137);
  });

  it("quotes no memory limit for a container named constructor when the task definition gave none", () => {
    const diagnosis = diagnoseTask(
      exited(137, undefined, { containers: [{ name: "constructor", exitCode: 137 }] }),
      { containerMemoryLimits: {} },
    );

    expect(diagnosis.evidence.join("\n")).not.toContain("[object Object]");
    expect(diagnosis.evidence.join("\n")).not.toMatch(/memory limit function/);
  });

  it("gives the same diagnosis for a container named __proto__ whatever the context's prototype", () => {
    const task = exited(137, undefined, { containers: [{ name: "__proto__", exitCode: 137 }] });
    // The fuzz test's counterexample: an empty record without a prototype, and its plain-object copy.
    const withoutPrototype = Object.create(null) as Record<string, number>;

    const first = diagnoseTask(task, { containerMemoryLimits: withoutPrototype });
    const second = diagnoseTask(task, { containerMemoryLimits: {} });

    expect(first).toEqual(second);
    expect(first.evidence.join("\n")).not.toContain("[object Object]");
  });

  it("reads the memory limit of a task definition container named __proto__ as its own entry", () => {
    const context = contextFromTaskDefinition({
      containerDefinitions: [{ name: "__proto__", memory: 2048, essential: true }],
    });

    expect(Object.hasOwn(context.containerMemoryLimits ?? {}, "__proto__")).toBe(true);
    const diagnosis = diagnoseTask(
      exited(137, "OutOfMemoryError: Container killed due to memory usage", {
        containers: [
          {
            name: "__proto__",
            exitCode: 137,
            reason: "OutOfMemoryError: Container killed due to memory usage",
          },
        ],
      }),
      context,
    );
    expect(diagnosis.evidence).toContain("memory limit 2048 MiB (task definition)");
  });

  it("records a job container named __proto__ among the run's exit codes", () => {
    const task = stoppedJobTask([{ name: "__proto__", exitCode: 0 }]);

    const completion = completeRun({ run: makeRun({ essentialContainers: ["__proto__"] }), task });

    expect(Object.hasOwn(completion.run.exitCodes ?? {}, "__proto__")).toBe(true);
    expect(completion.outcome).toBe("succeeded");
  });

  it("shows the exit code of a culprit named constructor in the message's facts", () => {
    const diagnosis = diagnoseTask(
      exited(137, undefined, { containers: [{ name: "constructor", exitCode: 137 }] }),
    );

    const message = fromDiagnosis({ ...diagnosis, exitCodes: {} });

    const exitFact = message.facts.find((fact) => fact.label.startsWith("Exit code"));
    expect(exitFact?.value).toBe("constructor 137");
  });

  it("keeps a job environment variable named __proto__ as a value", () => {
    const problems: string[] = [];

    const map = stringMap(JSON.parse('{"__proto__": "x", "PORT": 8080}'), "environment", (f, p) =>
      problems.push(`${f} ${p}`),
    );

    expect(problems).toEqual([]);
    expect(Object.entries(map ?? {})).toEqual([
      ["__proto__", "x"],
      ["PORT", "8080"],
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { fromDiagnosis } from "../../../src/shared/notify/from-diagnosis.js";
import { renderConsole } from "../../../src/shared/notify/render/index.js";
import { DIAGNOSES, ENV } from "./diagnoses.js";

const MESSAGE = fromDiagnosis(DIAGNOSES["out-of-memory"], ENV);

describe("renderConsole", () => {
  it("writes no ANSI escapes without colour", () => {
    const text = renderConsole(MESSAGE, { color: false });

    expect(text).not.toContain("\u001b");
    expect(text.startsWith("[CRITICAL] api: container web ran out of memory\n")).toBe(true);
  });

  it("colours the severity tag red for critical with colour", () => {
    const text = renderConsole(MESSAGE, { color: true });

    expect(text.startsWith("\u001b[1;31m[CRITICAL]\u001b[0m")).toBe(true);
  });

  it("shows cause, reason, aligned facts, evidence, numbered steps and links", () => {
    const text = renderConsole(MESSAGE, { color: false });

    expect(text).toContain(MESSAGE.cause);
    expect(text).toContain("    OutOfMemoryError: Container killed due to memory usage");
    expect(text).toContain("  Cluster:         prod");
    expect(text).toContain("  - container web: exit code 137 (SIGKILL)");
    expect(text).toContain("  1. Raise the memory of container web");
    expect(text).toContain(
      "  Open task: https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/tasks/",
    );
  });

  it("strips terminal escape sequences that arrive in untrusted text", () => {
    const text = renderConsole({ ...MESSAGE, reason: "boom\u001b[2J\u001b[H" }, { color: false });

    expect(text).not.toContain("\u001b");
  });
});

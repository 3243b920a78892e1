/** The metrics parameter: ecs-sentinel's own metrics are on unless the deployer says off; a typo fails packaging. */
import { describe, expect, it } from "vitest";
import { InvalidStackParameterError, PARAMETER_NAMES, stackParams } from "../../infra/stack-config.cjs";

const watching = (raw: Parameters<typeof stackParams>[0] = {}) =>
  stackParams({ watchedClusters: "prod", ...raw });

function problemsOf(raw: Parameters<typeof stackParams>[0]): string[] {
  try {
    watching(raw);
    return [];
  } catch (error) {
    if (error instanceof InvalidStackParameterError) return error.problems;
    throw error;
  }
}

describe("the metrics parameter", () => {
  it("is declared and on by default", () => {
    expect(PARAMETER_NAMES).toContain("metrics");
    expect(watching().metrics).toBe("on");
  });

  it.each([
    ["off", "off"],
    ["OFF", "off"],
    ["on", "on"],
  ])("reads %s as %s", (given, expected) => {
    expect(watching({ metrics: given }).metrics).toBe(expected);
  });

  it("refuses anything but on or off, naming the parameter", () => {
    expect(problemsOf({ metrics: "false" })).toEqual(['metrics="false" must be one of on, off']);
  });
});

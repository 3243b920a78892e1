/**
 * What a new user sees after a mistake in the stack parameters: `osls package` itself, offline, fails with one
 * message listing every problem (name, value, why; "did you mean" for a misspelt name), without a stack trace.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readStack } from "../../infra/stack-inputs.cjs";
import { PackageFailedError, packageStack } from "./support/package-stack.js";

let output = "";

beforeAll(async () => {
  const failure = await packageStack("test", [
    "watchedCluster=prod",
    "alertEmail=oncall-at-example.com",
    "dryRun=maybe",
    "logTailLines=0",
  ]).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(PackageFailedError);
  output = (failure as Error).message;
}, 300_000);

describe("osls package with mistaken parameters", () => {
  it("names a misspelt parameter and the one it probably meant", () => {
    expect(output).toContain(
      '--param="watchedCluster=prod": unknown parameter; did you mean "watchedClusters"?',
    );
  });

  it("fails on a missing jobs file instead of packaging zero schedules, and says how to have none", () => {
    expect(output).toMatch(
      /jobsFile="\.\/jobs\.yml" does not exist \(.*jobs\.yml\): create it — see examples\/jobs\.yml — or pass --param="jobsFile=none"/,
    );
  });

  it("refuses an empty watchedClusters, an address that is not one, and every other invalid value, all at once", () => {
    expect(output).toContain("watchedClusters is empty: name the clusters to watch");
    expect(output).toContain('alertEmail="oncall-at-example.com" is not an email address');
    expect(output).toContain('dryRun="maybe" must be one of');
    expect(output).toContain('logTailLines="0" must be a positive number');
    expect(output).toContain("ecs-sentinel stack parameters: 6 problems (nothing was packaged)");
  });

  it("prints the problems once, without a JavaScript stack trace", () => {
    expect(output.match(/did you mean "watchedClusters"/g)).toHaveLength(1);
    expect(output).not.toMatch(/^\s+at .*\.c?js:\d+/m);
    expect(output).not.toContain("InvalidStackParameterError");
  });
});

describe("watchedClusters=*", () => {
  it("packages every cluster only with a loud warning on stderr", async () => {
    const stack = await packageStack("test", ["watchedClusters=*", "jobsFile=none"]);

    expect(stack.output).toContain(
      "WARNING (ecs-sentinel): watchedClusters=*: ecs-sentinel watches EVERY ECS cluster",
    );
  }, 300_000);
});

describe("parameters set per stage in serverless.yml", () => {
  it("reports an unknown params.<stage> key with a suggestion", async () => {
    const params = {
      default: { watchedClusters: "", jobsFile: "none" },
      prod: { watchedClusters: "prod", passRolePatern: "app-*" },
    };

    const failure = await readStack({
      options: { stage: "prod" },
      resolveConfigurationProperty: async () => params,
    }).catch((error: unknown) => error);

    expect((failure as { problems: string[] }).problems).toEqual([
      'serverless.yml params.prod.passRolePatern: unknown parameter; did you mean "passRolePattern"?',
    ]);
  });

  it("lets --param win over the stage's value, and the stage's over the default", async () => {
    const params = { default: { watchedClusters: "a", jobsFile: "none" }, prod: { watchedClusters: "b" } };
    const resolveConfigurationProperty = async () => params;

    const fromStage = await readStack({ options: { stage: "prod" }, resolveConfigurationProperty });
    const fromCli = await readStack({
      options: { stage: "prod", param: ["watchedClusters=c"] },
      resolveConfigurationProperty,
    });

    expect(fromStage.params.watchedClusters).toEqual(["b"]);
    expect(fromCli.params.watchedClusters).toEqual(["c"]);
  });
});

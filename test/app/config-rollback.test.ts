/**
 * AUTO_ROLLBACK_SERVICES as the handlers read it: the stack passes the autoRollbackServices parameter through
 * unchanged, so every value packaging accepts must opt in the same services here, and a value it would refuse
 * must fail the start instead of matching no service.
 */
import { describe, expect, it } from "vitest";
import { stackParams } from "../../infra/stack-config.cjs";
import { ConfigError, loadConfig } from "../../src/app/config.js";
import { rollbackMode } from "../../src/shared/rollback/policy.js";
import type { ServiceSnapshot } from "../../src/shared/rollback/types.js";

const API_ARN = "arn:aws:ecs:us-east-1:111122223333:service/prod/api";
const WEB_ARN = "arn:aws:ecs:us-east-1:111122223333:service/prod/web";

const untagged = (arn: string): ServiceSnapshot => ({ arn, tags: [], deployments: [] });

describe("AUTO_ROLLBACK_SERVICES", () => {
  it("opts in services separated by spaces, as the stack parameter allows, not one service named 'api web'", () => {
    const raw = "api web";
    const packaged = stackParams({ watchedClusters: "prod", autoRollbackServices: raw, jobs: null });

    const { autoRollbackServices } = loadConfig({ AUTO_ROLLBACK_SERVICES: raw });

    expect(packaged.autoRollbackServices.map((entry) => entry.service)).toEqual(["api", "web"]);
    expect(autoRollbackServices).toEqual(["api", "web"]);
    expect(rollbackMode(untagged(API_ARN), autoRollbackServices)).toBe("automatic");
    expect(rollbackMode(untagged(WEB_ARN), autoRollbackServices)).toBe("automatic");
  });

  it("reads names, CLUSTER/SERVICE and service ARNs separated by commas and spaces, once each", () => {
    const { autoRollbackServices } = loadConfig({
      AUTO_ROLLBACK_SERVICES: `api, prod/web,\n${API_ARN} api`,
    });

    expect(autoRollbackServices).toEqual(["api", "prod/web", API_ARN]);
  });

  it("is empty when unset", () => {
    expect(loadConfig({}).autoRollbackServices).toEqual([]);
  });

  it("fails the start on an entry that is no service reference, naming it", () => {
    const load = () => loadConfig({ AUTO_ROLLBACK_SERVICES: "api,prod/api/extra" });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/AUTO_ROLLBACK_SERVICES .*"prod\/api\/extra"/);
  });
});

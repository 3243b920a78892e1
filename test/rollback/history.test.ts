import { describe, expect, it } from "vitest";
import {
  failedTaskDefinitions,
  lastGoodTaskDefinition,
  runningServiceDeployment,
} from "../../src/shared/rollback/history.js";
import type { ServiceDeploymentRecord } from "../../src/shared/rollback/types.js";
import { minutesAgo, revision, serviceDeployment, td } from "./scenario.js";

const record = (id: string, status: string, target: number, minutes: number): ServiceDeploymentRecord => ({
  serviceDeploymentArn: serviceDeployment(id),
  status,
  finishedAt: minutesAgo(minutes),
  targetServiceRevision: { arn: revision(target), taskDefinition: td(target) },
});

describe("failedTaskDefinitions", () => {
  it("judges each task definition by its latest outcome", () => {
    const history = [
      record("a", "SUCCESSFUL", 10, 100),
      record("b", "ROLLBACK_SUCCESSFUL", 10, 500),
      record("c", "ROLLBACK_SUCCESSFUL", 11, 50),
      record("d", "SUCCESSFUL", 11, 900),
      record("e", "STOPPED", 12, 10),
    ];

    expect([...failedTaskDefinitions(history, [])]).toEqual([td(11)]);
  });

  it("adds the task definitions of FAILED deployments on the service", () => {
    const failed = failedTaskDefinitions(
      [],
      [{ id: "ecs-svc/1", status: "PRIMARY", rolloutState: "FAILED", taskDefinition: td(9) }],
    );

    expect([...failed]).toEqual([td(9)]);
  });
});

describe("lastGoodTaskDefinition", () => {
  it("returns the newest successful task definition that is not excluded", () => {
    const history = [record("old", "SUCCESSFUL", 9, 900), record("new", "SUCCESSFUL", 10, 100)];

    expect(lastGoodTaskDefinition(history, new Set())).toBe(td(10));
    expect(lastGoodTaskDefinition(history, new Set([td(10)]))).toBe(td(9));
    expect(lastGoodTaskDefinition(history, new Set([td(9), td(10)]))).toBeUndefined();
  });
});

describe("runningServiceDeployment", () => {
  it("prefers the running deployment of the given task definition", () => {
    const history = [
      record("x", "IN_PROGRESS", 13, 1),
      record("y", "PENDING", 12, 5),
      record("z", "SUCCESSFUL", 11, 9),
    ];

    expect(runningServiceDeployment(history, td(12))?.serviceDeploymentArn).toBe(serviceDeployment("y"));
    expect(runningServiceDeployment(history, td(99))?.serviceDeploymentArn).toBe(serviceDeployment("x"));
    expect(runningServiceDeployment([history[2] as ServiceDeploymentRecord], td(11))).toBeUndefined();
  });
});

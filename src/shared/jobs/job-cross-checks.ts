/**
 * Rules between fields of one job that RunTask would reject at run time; checked when the file is validated so
 * the mistake shows up at `jobs validate` and packaging, not at 03:00. Pure.
 */
import type { CapacitySpec, ContainerOverrideSpec, NetworkSpec } from "./types.js";

export interface CrossCheckInput {
  capacity?: CapacitySpec;
  network?: NetworkSpec;
  containers: ContainerOverrideSpec[];
  taskCpu?: string;
  taskMemory?: string;
}

/** `[field, problem]` pairs; empty when the fields agree. */
export function crossFieldProblems(input: CrossCheckInput): [string, string][] {
  const problems: [string, string][] = [];
  const { capacity, network } = input;
  // ECS assigns public IPs to awsvpc tasks on Fargate only; RunTask rejects ENABLED for EC2 and EXTERNAL.
  if (
    network?.kind === "explicit" &&
    network.assignPublicIp === "ENABLED" &&
    capacity?.kind === "launch-type" &&
    capacity.launchType !== "FARGATE"
  ) {
    problems.push([
      "network.assignPublicIp",
      `ENABLED works only on Fargate, not with launchType ${capacity.launchType}; use DISABLED and a NAT gateway or VPC endpoints`,
    ]);
  }
  const limits = [
    ["memory", input.taskMemory, "MiB"],
    ["cpu", input.taskCpu, "CPU units"],
  ] as const;
  for (const [key, taskValue, unit] of limits) {
    if (taskValue === undefined) continue;
    input.containers.forEach((container, i) => {
      const value = container[key];
      if (value !== undefined && value > Number(taskValue)) {
        problems.push([
          `overrides.containers[${i}].${key}`,
          `${value} ${unit} is more than the task's overrides.${key} ${taskValue}`,
        ]);
      }
    });
  }
  return problems;
}

/**
 * What `diagnose` prints for an input that is not a stopped task: a DescribeTasks failure (the task is gone
 * from ECS) or a task that has not stopped yet. Neither has a category or a severity: the category contract
 * is for stopped tasks. Pure.
 */
import { stripControl } from "../shared/notify/text.js";
import type { Palette } from "./colors.js";
import type { DescribeFailure } from "./inputs.js";
import type { NotStopped } from "./task-state.js";

const clean = (s: string) => stripControl(s);

/** `task/CLUSTER/ID` -> CLUSTER; the old ARN format (`task/ID`) names none. */
export function clusterOfTaskArn(arn: string | undefined): string | undefined {
  const m = /:task\/([^/]+)\/[^/]+$/.exec(arn ?? "");
  return m?.[1];
}

export interface FailureReport {
  taskArn: string | undefined;
  status: "failure";
  reason: string;
  detail?: string;
  message: string;
  suggestion: string;
}

/** `cluster` is the one the person named (live path); otherwise the task ARN's. */
export function describeFailure(failure: DescribeFailure, cluster?: string): FailureReport {
  const where = cluster ?? clusterOfTaskArn(failure.arn);
  const suggestion = `ecs-sentinel history${where ? ` --cluster ${where}` : ""}`;
  const message =
    failure.reason === "MISSING"
      ? "ECS no longer knows this task: it keeps stopped tasks for about an hour only (or the task ID or " +
        "cluster is wrong). If ecs-sentinel saw it stop, its diagnosis is in the history."
      : `ECS could not describe this task: ${failure.reason}${failure.detail ? ` (${failure.detail})` : ""}.`;
  const report: FailureReport = {
    taskArn: failure.arn,
    status: "failure",
    reason: failure.reason,
    message,
    suggestion,
  };
  if (failure.detail) report.detail = failure.detail;
  return report;
}

export function failureJson(report: FailureReport): string {
  return JSON.stringify(report);
}

export function failureText(report: FailureReport, p: Palette): string {
  const tag = report.reason === "MISSING" ? "NOT FOUND" : "FAILURE";
  const lines = [
    `${p.red(p.bold(tag))} ${p.bold(clean(report.reason))}${report.detail ? p.dim(` (${clean(report.detail)})`) : ""}`,
    p.dim(`  task ${clean(report.taskArn ?? "(no ARN)")}`),
    "",
    `  ${clean(report.message)}`,
    "",
    p.bold("  What to do"),
    `    ${clean(report.suggestion)}`,
  ];
  return `${lines.join("\n")}\n`;
}

export function notStoppedJson(state: NotStopped): string {
  const { taskArn, lastStatus, desiredStatus, ...rest } = state;
  return JSON.stringify({ taskArn, status: "not-stopped", lastStatus, desiredStatus, ...rest });
}

export function notStoppedText(state: NotStopped, p: Palette, again?: string): string {
  const desired = state.desiredStatus ? ` (desired ${state.desiredStatus})` : "";
  const lines = [
    `${p.blue(p.bold("NOT STOPPED (yet)"))} ${p.bold(state.lastStatus)}${desired}`,
    p.dim(`  task ${clean(state.taskArn)}`),
    "",
  ];
  const waiting = state.waitingFor.charAt(0).toUpperCase() + state.waitingFor.slice(1);
  if (!state.stopping) {
    lines.push(`  ${waiting}. There is no stop to diagnose.`);
  } else {
    lines.push(`  ${waiting}. ECS has been asked to stop it:`);
    if (state.stopCode) lines.push(`    - stopCode: ${clean(state.stopCode)}`);
    if (state.stoppedReason) lines.push(`    - stoppedReason: "${clean(state.stoppedReason)}"`);
    lines.push(
      "  The diagnosis reads the containers' final exit codes and reasons: look again once it is STOPPED.",
    );
  }
  if (again) lines.push("", p.bold("  Again later"), `    ${clean(again)}`);
  return `${lines.join("\n")}\n`;
}

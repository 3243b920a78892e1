/** Scheduled one-off ECS tasks: jobs file, schedules, planning, running, completion and the watchdog. */
export * from "./completion.js";
export * from "./duration.js";
export * from "./ecs-jobs.js";
export * from "./job-messages.js";
export * from "./jobs-file.js";
export * from "./ports.js";
export * from "./run-planning.js";
export * from "./run-record.js";
export * from "./run-store.js";
export * from "./schedule.js";
export * from "./start-attempts.js";
export * from "./start-run.js";
export * from "./types.js";
export * from "./watchdog.js";

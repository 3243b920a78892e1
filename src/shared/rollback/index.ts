export * from "./ecs-rollback.js";
export * from "./failure-categories.js";
export * from "./history.js";
export * from "./message.js";
export * from "./policy.js";
export * from "./rollback-store.js";
export * from "./types.js";

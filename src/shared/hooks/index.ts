/** ECS deployment lifecycle hooks: payload, settings, state and the judge. Pure (no AWS SDK values). */
export * from "./judge.js";
export * from "./payload.js";
export * from "./policy.js";
export * from "./settings.js";
export * from "./state.js";
export * from "./task-health.js";
export * from "./types.js";

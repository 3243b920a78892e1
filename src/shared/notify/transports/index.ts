export * from "./backoff.js";
export * from "./errors.js";
export * from "./ports.js";
export * from "./slack.js";
export * from "./sns.js";

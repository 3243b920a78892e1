export * from "./arns.js";
export * from "./errors.js";
export * from "./parse.js";
export * from "./schemas.js";

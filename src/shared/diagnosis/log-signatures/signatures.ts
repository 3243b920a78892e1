/** All log signatures, in order: on the same line and rank, the first listed wins. */
import { CONFIGURATION_SIGNATURES } from "./configuration.js";
import { EXCEPTION_SIGNATURES } from "./exceptions.js";
import { MEMORY_SIGNATURES } from "./memory.js";
import { RUNTIME_SIGNATURES } from "./runtime.js";
import type { LogSignature } from "./types.js";

export const LOG_SIGNATURES: readonly LogSignature[] = [
  ...CONFIGURATION_SIGNATURES,
  ...RUNTIME_SIGNATURES,
  ...MEMORY_SIGNATURES,
  ...EXCEPTION_SIGNATURES,
];

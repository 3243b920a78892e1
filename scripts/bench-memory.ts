/**
 * `npm run bench:memory`: each handler's peak memory (scripts/bench/memory.ts), in a process of its own — its SDK
 * clients must point at its own emulator, not at one `npm run bench` started and stopped before.
 */
import { join } from "node:path";
import { reportMemory } from "./bench/memory.js";

console.log(JSON.stringify({ memory: await reportMemory(join(import.meta.dirname, "..")) }));

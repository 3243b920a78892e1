/**
 * `npm run bench:memory`: each handler's peak memory (scripts/bench/memory.ts), in a process of its own — its SDK
 * clients must point at its own emulator, not at one `npm run bench` started and stopped before. A step that misses
 * its deadline (or any other failure) ends the command with exit code 1 and a message naming the step.
 */
import { join } from "node:path";
import { reportMemory } from "./bench/memory.js";

let exitCode = 0;
try {
  console.log(JSON.stringify({ memory: await reportMemory(join(import.meta.dirname, "..")) }));
} catch (error) {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  exitCode = 1;
}
// Explicitly: a step abandoned at its deadline may still hold sockets or timers that would keep the process alive.
process.exit(exitCode);

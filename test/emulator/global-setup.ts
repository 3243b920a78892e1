/**
 * Starts one moto server for the emulator test project and stops it (its whole process group) afterwards.
 * When moto cannot start, the run fails with the reason and the fix: an emulator suite that skips itself
 * would pass without testing anything.
 */
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { startMotoServer } from "./support/moto-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** http://127.0.0.1:PORT of the moto server started for this run. */
    emulatorEndpoint: string;
  }
}

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startMotoServer({ projectRoot });
  project.provide("emulatorEndpoint", server.endpoint);
  return () => server.stop();
}

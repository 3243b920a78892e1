import { inject } from "vitest";

/** The emulator this test run started (see test/emulator/global-setup.ts). */
export function emulatorEndpoint(): string {
  return inject("emulatorEndpoint");
}

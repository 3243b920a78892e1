import { defineConfig } from "vitest/config";

// The SDK's notice that its 2027 releases need Node 22 is noise in test output (this machine runs Node 20).
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          env,
          include: ["test/**/*.test.ts"],
          exclude: ["test/emulator/**"],
        },
      },
      {
        test: {
          name: "emulator",
          env,
          include: ["test/emulator/**/*.test.ts"],
          globalSetup: ["test/emulator/global-setup.ts"],
          setupFiles: ["test/emulator/setup-file.ts"],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

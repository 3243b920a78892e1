/**
 * The esbuild options serverless.yml's `custom.esbuild` gives every function, for the benches that bundle code as
 * it is deployed (the memory replay, the SDK floor). Kept beside serverless.yml's list: change both together.
 */
import type { BuildOptions } from "esbuild";

export const STACK_ESBUILD_OPTIONS = {
  bundle: true,
  minify: true,
  format: "esm",
  platform: "node",
  target: "node22",
  external: ["bowser"],
  mainFields: ["module", "main"],
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
} as const satisfies BuildOptions;

// Bundles the CLI into dist/cli.js (dependencies stay external: they are installed with the package).
import { chmodSync } from "node:fs";
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli.ts"],
  outfile: "dist/cli.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,

  logLevel: "warning",
});
chmodSync("dist/cli.js", 0o755);

// Bundles the CLI into dist/cli.js (dependencies stay external: they are installed with the package).
// `node scripts/build-cli.mjs --outfile PATH` writes the bundle elsewhere (tests).
import { chmodSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const { values } = parseArgs({ options: { outfile: { type: "string", default: "dist/cli.js" } } });
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

await build({
  entryPoints: ["src/cli/index.ts"],
  outfile: values.outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  // `ecs-sentinel --version` without reading package.json at run time (src/cli/version.ts).
  define: { __ECS_SENTINEL_VERSION__: JSON.stringify(version) },
  logLevel: "warning",
});
chmodSync(values.outfile, 0o755);

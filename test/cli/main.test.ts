import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";

const root = join(import.meta.dirname, "../..");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };

describe("ecs-sentinel --version", () => {
  it.each(["--version", "-V", "version"])("prints the package version for %s and exits 0", async (word) => {
    const io = captureIo();

    const code = await main([word], io);

    expect(code).toBe(0);
    expect(io.out()).toBe(`ecs-sentinel ${version}\n`);
  });

  it("has the version built into the bundle, so an installed CLI needs no package.json beside it", () => {
    // Built two levels below node_modules/: "../../package.json" from there is not the package's.
    const outDir = join(root, "node_modules/.cache/ecs-sentinel-version-test");
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const outfile = join(outDir, "cli.js");
    execFileSync(process.execPath, ["scripts/build-cli.mjs", "--outfile", outfile], { cwd: root });

    const out = execFileSync(process.execPath, [outfile, "--version"], { cwd: outDir, encoding: "utf8" });

    expect(out).toBe(`ecs-sentinel ${version}\n`);
    expect(readFileSync(outfile, "utf8")).not.toContain("__ECS_SENTINEL_VERSION__");
  });
});

describe("unknown commands and options", () => {
  it("says a mistyped command is unknown and names the nearest one, not a file error", async () => {
    const io = captureIo();

    const code = await main(["diagnoze", "x.json"], io);

    expect(code).toBe(2);
    expect(io.err()).toMatch(/unknown command "diagnoze"\. Did you mean "diagnose"\?/);
    expect(io.err()).not.toMatch(/no such file/);
  });

  it.each(["toString", "constructor", "__proto__"])(
    "treats %s as an unknown command, not as a property of the command table",
    async (word) => {
      const io = captureIo();

      const code = await main([word], io);

      expect(code).toBe(2);
      expect(io.err()).toMatch(new RegExp(`unknown command "${word}"`));
    },
  );

  it("exits 2 for help about an unknown command instead of printing the general help", async () => {
    const io = captureIo();

    const code = await main(["help", "replya"], io);

    expect(code).toBe(2);
    expect(io.err()).toMatch(/unknown command "replya"\. Did you mean "replay"\?/);
    expect(io.out()).toBe("");
  });

  it("suggests the nearest top-level option", async () => {
    const io = captureIo();

    const code = await main(["--verison"], io);

    expect(code).toBe(2);
    expect(io.err()).toMatch(/unknown option "--verison"\. Did you mean "--version"\?/);
  });

  it("fails loudly on a mistyped flag of replay, naming the right one, and reads no file", async () => {
    const io = captureIo({ files: { "f.json": "{}" } });

    const code = await main(["replay", "--dryrun", "f.json"], io);

    expect(code).toBe(2);
    expect(io.err()).toMatch(/Unknown option '--dryrun'\. Did you mean "--dry-run"\?/);
    expect(io.out()).toBe("");
  });

  it("suggests the option when history is given a word where it takes only options", async () => {
    const io = captureIo();

    const code = await main(["history", "json"], io);

    expect(code).toBe(2);
    expect(io.err()).toMatch(/Unexpected argument 'json'.*Did you mean "--json"\?/);
  });

  it("rejects any word given to history", async () => {
    const io = captureIo();

    const code = await main(["history", "bogus"], io);

    expect(code).toBe(2);
    expect(io.err()).toMatch(/Unexpected argument 'bogus': this command takes options only\./);
  });

  it("points out an option written without dashes when the file does not exist", async () => {
    const io = captureIo();

    const code = await main(["diagnose", "json"], io);

    expect(code).toBe(2);
    expect(io.err()).toMatch(/json: no such file \(did you mean the option "--json"\?\)/);
  });

  it("sends nothing in a real replay when an input file does not read", async () => {
    const event = readFileSync(join(root, "test/fixtures/ecs-events/task-running-fargate.doc.json"), "utf8");
    const io = captureIo({ files: { "good.json": event } });

    const code = await main(["replay", "dry-run", "good.json"], io);

    expect(code).toBe(2);
    expect(io.err()).toMatch(/dry-run: no such file \(did you mean the option "--dry-run"\?\)/);
    expect(io.err()).toMatch(/nothing replayed/);
    expect(io.out()).toBe("");
  });
});

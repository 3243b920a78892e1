/** A module group loaded on first use: one load for every caller, a failure thrown as ModuleLoadError and retried. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOnce, ModuleLoadError } from "../src/shared/load-once.js";

const SRC = join(import.meta.dirname, "../src");

describe("loadOnce", () => {
  it("loads once for callers that ask at the same time and later", async () => {
    let loads = 0;
    const load = loadOnce("a module", async () => {
      loads++;
      return { value: 42 };
    });

    const [first, second] = await Promise.all([load(), load()]);
    const third = await load();

    expect(loads).toBe(1);
    expect(first).toBe(second);
    expect(third).toBe(first);
  });

  it("throws a failed load as ModuleLoadError naming the module, with the failure as its cause", async () => {
    const cause = new Error("Cannot find module './chunk-X.mjs'");
    const load = loadOnce("the log tail reader", async () => {
      throw cause;
    });

    const error = await load().catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModuleLoadError);
    expect(error).toMatchObject({
      name: "ModuleLoadError",
      message: "could not load the log tail reader: Cannot find module './chunk-X.mjs'",
      cause,
    });
  });

  it("tries again on the next call after a failed load", async () => {
    let attempts = 0;
    const load = loadOnce("a module", async () => {
      attempts++;
      if (attempts === 1) throw new Error("EMFILE");
      return "loaded";
    });

    await expect(load()).rejects.toBeInstanceOf(ModuleLoadError);
    const second = await load();

    expect(second).toBe("loaded");
    expect(attempts).toBe(2);
  });

  it("is called as /* @__PURE__ */ everywhere at module scope, so functions that never call it do not carry its chunk", () => {
    const bare = readdirSync(SRC, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts") && !file.endsWith("load-once.ts"))
      .flatMap((file) =>
        [
          ...readFileSync(join(SRC, file), "utf8").matchAll(
            /^(?:export )?const (\w+)[^=\n]*=\s*(\/\*[^*]*\*\/\s*)?loadOnce\b/gm,
          ),
        ]
          .filter((match) => !match[2]?.includes("@__PURE__"))
          .map((match) => `${file}: ${match[1]}`),
      );

    expect(bare).toEqual([]);
  });
});

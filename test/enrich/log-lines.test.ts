import { describe, expect, it } from "vitest";
import {
  cutMarker,
  keepLastLines,
  shapeLogLines,
  splitMessages,
  truncateText,
} from "../../src/shared/enrich/log-lines.js";
import { MASK } from "../../src/shared/enrich/masking.js";

const numbered = (count: number, width = 10) =>
  Array.from({ length: count }, (_, i) => `line ${String(i + 1).padStart(3, "0")}`.padEnd(width, "."));

describe("keepLastLines", () => {
  it("returns all lines untouched when they fit", () => {
    const lines = ["a", "b", "c"];

    const result = keepLastLines(lines, 100);

    expect(result).toEqual({ lines: ["a", "b", "c"], truncated: false });
  });

  it("keeps the LAST lines behind a marker counting the earlier lines cut", () => {
    const lines = numbered(50);

    const result = keepLastLines(lines, 120);

    expect(result.truncated).toBe(true);
    expect(result.lines.at(-1)).toBe(lines.at(-1));
    const kept = result.lines.length - 1;
    expect(result.lines[0]).toBe(cutMarker(50 - kept));
    expect(result.lines.slice(1)).toEqual(lines.slice(50 - kept));
  });

  it("never exceeds the budget, marker and newlines included", () => {
    for (const budget of [30, 57, 100, 250, 999]) {
      const result = keepLastLines(numbered(200, 17), budget);

      expect(result.lines.join("\n").length).toBeLessThanOrEqual(budget);
    }
  });

  it("says 1 earlier line in the singular", () => {
    expect(cutMarker(1)).toBe("… 1 earlier line cut");
    expect(cutMarker(3)).toBe("… 3 earlier lines cut");
  });

  it("shortens the last line when even it does not fit", () => {
    const result = keepLastLines(["first", "x".repeat(500)], 60);

    expect(result.truncated).toBe(true);
    expect(result.lines[0]).toBe(cutMarker(1));
    expect(result.lines.join("\n").length).toBeLessThanOrEqual(60);
    expect(result.lines[1]?.endsWith("…")).toBe(true);
  });
});

describe("truncateText", () => {
  it("keeps text within the limit unchanged", () => {
    expect(truncateText("hello", 5)).toBe("hello");
  });

  it("never splits a surrogate pair", () => {
    const text = "😀".repeat(10); // 20 UTF-16 code units

    const cut = truncateText(text, 6);

    expect(cut).toBe("😀😀…");
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(cut)).toBe(false);
  });

  it("never splits a family emoji or an accent from its letter", () => {
    const family = "👨‍👩‍👧‍👦"; // 11 code units, one character on screen
    const text = `ab${family}e\u0301e\u0301`;

    const cut = truncateText(text, 10);

    expect(cut).toBe("ab…");
    expect(truncateText(text, 16)).toBe(`ab${family}e\u0301…`);
  });
});

describe("splitMessages", () => {
  it("splits multi-line events, drops colour codes and trailing newlines", () => {
    const lines = splitMessages(["\u001b[31mERROR\u001b[0m boom\n", "Traceback:\r\n  at x\n  at y"]);

    expect(lines).toEqual(["ERROR boom", "Traceback:", "  at x", "  at y"]);
  });
});

describe("shapeLogLines", () => {
  it("masks secrets before cutting and keeps the last lines", () => {
    const messages = [...numbered(300), "DB_PASSWORD=hunter2", "fatal: exiting"];

    const shaped = shapeLogLines(messages, { maxChars: 200 });

    expect(shaped.lines.at(-1)).toBe("fatal: exiting");
    expect(shaped.lines.at(-2)).toBe(`DB_PASSWORD=${MASK}`);
    expect(shaped.lines.join("\n")).not.toContain("hunter2");
    expect(shaped.lines.join("\n").length).toBeLessThanOrEqual(200);
    expect(shaped.truncated).toBe(true);
  });

  it("shortens very long lines and reports the tail as truncated", () => {
    const shaped = shapeLogLines([`{"msg":"${"x".repeat(100_000)}"}`], { maxLineChars: 300 });

    expect(shaped.lines[0]?.length).toBeLessThanOrEqual(300);
    expect(shaped.truncated).toBe(true);
  });

  it("masks a secret whose line is shortened in the middle of its value", () => {
    const shaped = shapeLogLines([`${"a ".repeat(40)}password=${"p".repeat(100)}`], { maxLineChars: 100 });

    expect(shaped.lines[0]).toContain(`password=${MASK}`);
    expect(shaped.lines[0]).not.toContain("ppp");
  });

  it("keeps unicode lines intact when they fit", () => {
    const shaped = shapeLogLines(["готово ✅", "完成 🚀"]);

    expect(shaped).toEqual({ lines: ["готово ✅", "完成 🚀"], truncated: false });
  });
});

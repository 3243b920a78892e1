import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cut,
  ELLIPSIS,
  mrkdwn,
  mrkdwnCode,
  neutraliseMentions,
  plainText,
  singleLine,
  stripControl,
} from "../../../src/shared/notify/text.js";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("neutraliseMentions", () => {
  it("puts a word joiner after the @ of @channel, @here, @everyone and @user", () => {
    const result = neutraliseMentions("@channel hi @here, (@everyone) @alice");

    expect(result).toBe("@\u2060channel hi @\u2060here, (@\u2060everyone) @\u2060alice");
  });

  it("leaves an @ inside a word alone so addresses and image digests can be copied", () => {
    const text = "ops@example.com repo/api@sha256:abc";

    expect(neutraliseMentions(text)).toBe(text);
  });
});

describe("mrkdwn", () => {
  it("escapes &, < and > as Slack entities", () => {
    expect(mrkdwn("a & <b> <!channel>", 100)).toBe("a &amp; &lt;b&gt; &lt;!channel&gt;");
  });

  it("returns short text unchanged apart from escaping", () => {
    expect(mrkdwn("exit code 137", 100)).toBe("exit code 137");
  });

  it("cuts with an ellipsis and counts the escaped length", () => {
    const result = mrkdwn("<<<<<", 10);

    expect(result).toBe(`&lt;&lt;${ELLIPSIS}`);
    expect(result.length).toBeLessThanOrEqual(10);
  });

  it("stays within the limit, leaves no raw angle bracket, stray ampersand or lone surrogate, for any input", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 300 }),
        fc.integer({ min: 1, max: 400 }),
        (text, max) => {
          const result = mrkdwn(text, max);

          expect(result.length).toBeLessThanOrEqual(max);
          expect(result).not.toMatch(/[<>]/);
          expect(result.replace(/&(amp|lt|gt);/g, "")).not.toContain("&");
          expect(result).not.toMatch(LONE_SURROGATE);
        },
      ),
    );
  });
});

describe("mrkdwnCode", () => {
  it("replaces backticks with a look-alike so the code block cannot be closed", () => {
    expect(mrkdwnCode("a ``` b", 100)).toBe("a \u02cb\u02cb\u02cb b");
  });
});

describe("plainText", () => {
  it("swaps angle brackets for look-alikes and keeps one line", () => {
    expect(plainText("<!here>\nnext", 100)).toBe("\u2039!here\u203a next");
  });

  it("neutralises bare mentions", () => {
    expect(plainText("@everyone", 100)).toBe("@\u2060everyone");
  });
});

describe("cut", () => {
  it("never splits an emoji sequence", () => {
    const family = "👩‍👩‍👧";

    const result = cut(`a${family}${family}`, family.length + 1);

    expect(result).toBe(`a${ELLIPSIS}`);
  });

  it("returns an empty string when not even the ellipsis fits", () => {
    expect(cut("abc", 0)).toBe("");
  });
});

describe("stripControl and singleLine", () => {
  it("removes escape sequences' ESC, NUL and bidi overrides but keeps tabs and newlines", () => {
    expect(stripControl("a\u001b[31m\u0000b\u202ec\td\r\ne")).toBe("a[31mbc\td\ne");
  });

  it("collapses line breaks of every kind to single spaces", () => {
    expect(singleLine(" a\r\nb\u2028c\n\n d ")).toBe("a b c d");
  });
});

import { describe, expect, it } from "vitest";
import { isMutableImage, parseImageRef } from "../../src/shared/deployments/image-ref.js";

describe("parseImageRef", () => {
  it.each([
    ["nginx", {}],
    ["nginx:1.27", { tag: "1.27" }],
    ["registry.local:5000/team/app", {}],
    ["registry.local:5000/team/app:v2", { tag: "v2" }],
    ["111122223333.dkr.ecr.us-east-1.amazonaws.com/app@sha256:abc", { digest: "sha256:abc" }],
    ["public.ecr.aws/app:1.0@sha256:abc", { tag: "1.0", digest: "sha256:abc" }],
  ])("reads %s", (image, expected) => {
    expect(parseImageRef(image)).toEqual(expected);
  });
});

describe("isMutableImage", () => {
  it.each([
    ["nginx", true],
    ["nginx:latest", true],
    ["nginx:LATEST", true],
    ["registry.local:5000/team/app", true],
    ["nginx:1.27", false],
    ["app:latest@sha256:abc", false],
    ["app@sha256:abc", false],
  ])("%s -> %s", (image, expected) => {
    expect(isMutableImage(image)).toBe(expected);
  });
});

/** Reads the tag and digest out of a container image reference. Pure. */

export interface ImageRef {
  /** Explicit tag, if any (`nginx:1.27` -> `1.27`); absent means Docker's implicit `latest`. */
  tag?: string;
  /** `sha256:...` when the reference pins a digest (`repo@sha256:...`). */
  digest?: string;
}

export function parseImageRef(image: string): ImageRef {
  const at = image.indexOf("@");
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  // Only the last path segment can carry a tag: a colon earlier is a registry port (host:5000/repo).
  const lastSegment = name.slice(name.lastIndexOf("/") + 1);
  const colon = lastSegment.indexOf(":");
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : undefined;
  return { tag: tag || undefined, digest: digest || undefined };
}

/** True when the image neither pins a digest nor names a tag other than `latest`. */
export function isMutableImage(image: string): boolean {
  const ref = parseImageRef(image);
  if (ref.digest) return false;
  return ref.tag === undefined || ref.tag.toLowerCase() === "latest";
}

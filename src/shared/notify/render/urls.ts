/** Which link URLs a renderer may show. Pure. */

/** Slack's limit for a button URL; no real console or docs link comes near it, so email keeps the same bound. */
const MAX_URL = 3000;

/**
 * An absolute http(s) URL with nothing that could break out of a link (no whitespace, controls or brackets)
 * and of a length every channel accepts.
 */
export function isWebUrl(url: string): boolean {
  if (url.length > MAX_URL) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (!/^https?:\/\/[^\s<>"`\u0000-\u001f\u007f-\u009f]+$/i.test(url)) return false;
  return URL.canParse(url);
}

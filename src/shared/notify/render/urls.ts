/** Which link URLs a renderer may show. Pure. */

/** An absolute http(s) URL with nothing that could break out of a link: no whitespace, controls or brackets. */
export function isWebUrl(url: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (!/^https?:\/\/[^\s<>"`\u0000-\u001f\u007f-\u009f]+$/i.test(url)) return false;
  return URL.canParse(url);
}

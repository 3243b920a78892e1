/**
 * A minimal AWS Query-protocol call (form POST, XML answer) for services whose SDK client the project does not
 * install, such as EC2. moto checks no signatures, but it picks the service from the credential scope of the
 * Authorization header (without one it answers as S3), so an unsigned header naming the service is enough.
 */

export class QueryApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QueryApiError";
  }
}

export interface QueryApiCall {
  endpoint: string;
  service: string;
  version: string;
  action: string;
  params?: Record<string, string>;
  region?: string;
}

export async function callQueryApi(call: QueryApiCall): Promise<string> {
  const region = call.region ?? "us-east-1";
  const form = new URLSearchParams({ Action: call.action, Version: call.version, ...call.params });
  const response = await fetch(call.endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20250101/${region}/${call.service}/aws4_request, SignedHeaders=host, Signature=unsigned`,
    },
    body: form.toString(),
  });
  const body = await response.text();
  if (!response.ok) {
    throw new QueryApiError(
      `${call.service} ${call.action} answered ${response.status}: ${body.slice(0, 500)}`,
    );
  }
  return body;
}

/** The text of the first `<tag>` in an XML answer; enough for the few ids the helpers need. */
export function firstXmlText(xml: string, tag: string): string {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  if (match?.[1] === undefined) {
    throw new QueryApiError(`no <${tag}> in the answer: ${xml.slice(0, 500)}`);
  }
  return match[1];
}

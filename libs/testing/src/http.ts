export type Json = Record<string, unknown>;

export interface HttpReply {
  status: number;
  body: Json;
  text: string;
  headers: Headers;
}

/** One HTTP call as a partner makes it (every spec's helper): API key as Bearer, JSON in and out, non-JSON kept as `raw`. */
export async function callJson(
  base: string,
  path: string,
  init: RequestInit & { key?: string; json?: unknown } = {},
): Promise<HttpReply> {
  const { key, json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (key) headers.set('authorization', `Bearer ${key}`);
  const body = json !== undefined ? JSON.stringify(json) : rest.body;
  if (body && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const res = await fetch(`${base}${path}`, { ...rest, headers, body });
  const text = await res.text();
  let parsed: Json = {};
  try {
    parsed = text ? (JSON.parse(text) as Json) : {};
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

// The main API's response envelope and the response-shaping query parameters
// (_verbosity, _shorturis, _filter, _filteruri, _expand), as in API-NOTES §3.1 and §3.7.
import type { UriRef } from './views.ts';

export interface Endpoint {
  /** The request path with the query the response echoes (Response.Uri). */
  uri: string;
  locator?: string;
  locatorType?: 'Object' | 'Objects' | 'List';
  uriDescription?: string;
  endpointType?: string;
  docUri?: string;
}

export interface Shaping {
  verbosity: number;
  shortUris: boolean;
  filter: Set<string> | null;
  filterUri: Set<string> | null;
  expand: string[];
  pretty: boolean;
}

export function shapingFrom(query: URLSearchParams): Shaping {
  const list = (name: string) => {
    if (!query.has(name)) return null;
    const value = query.get(name) ?? '';
    return new Set(value === '' ? [] : value.split(',').map((s) => s.trim()));
  };
  const verbosity = Number.parseInt(query.get('_verbosity') ?? '2', 10);
  return {
    verbosity: [1, 2, 3].includes(verbosity) ? verbosity : 2,
    shortUris: query.has('_shorturis'),
    filter: list('_filter'),
    filterUri: list('_filteruri'),
    expand: (query.get('_expand') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    pretty: query.has('_pretty'),
  };
}

export interface Pages {
  Total: number;
  Start: number;
  Count: number;
  RequestedCount: number;
  FirstPage: string;
  PrevPage?: string;
  NextPage?: string;
  LastPage: string;
  Misaligned?: boolean;
}

/** Paging fields as the real service writes them: 1-based start, LastPage aligned to count. */
export function pages(
  path: string,
  extra: URLSearchParams,
  total: number,
  start: number,
  count: number,
  returned: number,
): Pages {
  const link = (s: number) => {
    const q = new URLSearchParams(extra);
    q.set('start', String(s));
    q.set('count', String(count));
    return `${path}?${q.toString()}`;
  };
  const lastStart = total === 0 ? 1 : Math.floor((total - 1) / count) * count + 1;
  const misaligned = (start - 1) % count !== 0;
  const hasPrev = start > 1 && !misaligned;
  const hasNext = start + returned <= total && returned > 0;
  return {
    Total: total,
    Start: start,
    Count: returned,
    RequestedCount: count,
    FirstPage: link(1),
    ...(hasPrev ? { PrevPage: link(Math.max(1, start - count)) } : {}),
    ...(hasNext ? { NextPage: link(start + returned) } : {}),
    LastPage: link(lastStart),
    ...(misaligned ? { Misaligned: true } : {}),
  };
}

export function shapeObject(obj: Record<string, unknown>, shaping: Shaping): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const dropAllUris = shaping.filterUri !== null && shaping.filterUri.size === 0;
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'Uris') {
      if (dropAllUris) continue;
      const kept: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(value as Record<string, UriRef>)) {
        if (shaping.filterUri && !shaping.filterUri.has(name)) continue;
        kept[name] = shaping.shortUris || shaping.verbosity === 1 ? ref.Uri : ref;
      }
      out.Uris = kept;
      continue;
    }
    if (shaping.filter && !shaping.filter.has(key)) continue;
    out[key] = value;
  }
  return out;
}

export function statusMessage(code: number): string {
  const messages: Record<number, string> = {
    200: 'Ok',
    201: 'Created',
    301: 'Moved Permanently',
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    406: 'Not Acceptable',
    409: 'Conflict',
    413: 'Request Entity Too Large',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return messages[code] ?? 'Error';
}

export function responseBlock(endpoint: Endpoint): Record<string, unknown> {
  const block: Record<string, unknown> = { Uri: endpoint.uri };
  if (endpoint.locator) block.Locator = endpoint.locator;
  if (endpoint.locatorType) block.LocatorType = endpoint.locatorType;
  if (endpoint.uriDescription) block.UriDescription = endpoint.uriDescription;
  if (endpoint.endpointType) block.EndpointType = endpoint.endpointType;
  if (endpoint.docUri) block.DocUri = endpoint.docUri;
  return block;
}

export function errorBody(
  code: number,
  endpoint: Endpoint | null,
  message?: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (endpoint) body.Response = responseBlock(endpoint);
  body.Code = code;
  body.Message = message ?? statusMessage(code);
  return body;
}

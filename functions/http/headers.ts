/** The headers of every JSON answer of the API (http-handler.ts; the OpenApi function's own). */
export const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

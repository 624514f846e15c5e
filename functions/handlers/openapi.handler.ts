import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BASE_HEADERS } from '../http/headers.ts';
import { openApiJson } from '../contract/openapi-document.ts';

/**
 * GET /api/openapi.json: the document, computed at build time (openapi-document.ts). A plain
 * handler - no middy chain, no logger: it reads nothing of the request, calls nothing and cannot
 * fail, and the two were most of its cold start (docs/benchmarks-bundles.md).
 */
export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => ({
  statusCode: 200,
  headers: { ...BASE_HEADERS, 'cache-control': 'public, max-age=300' },
  body: openApiJson,
});

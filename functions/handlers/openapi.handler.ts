import { httpHandler } from '../http/http-handler.ts';
import { buildOpenApiDocument } from '../http/openapi.ts';

const document = buildOpenApiDocument();

export const handler = httpHandler({}, async () => ({ statusCode: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } }));

import { z } from 'zod';
import { errorCatalogue } from '../errors/catalogue.ts';
import type { AnyRoute } from '../http/route.ts';

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, unknown>>;
};

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details; every error has this shape.',
  required: ['type', 'title', 'status', 'detail', 'code', 'requestId'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: Object.keys(errorCatalogue) },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      description: 'For validation errors: each offending field.',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: {
          path: { type: 'string', examples: ['body.user.email'] },
          message: { type: 'string' },
        },
      },
    },
  },
};

/** The same zod schema the router validates with, as JSON Schema 2020-12 (OpenAPI 3.1). */
function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = toSchema(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** The error answers every route of a kind can give, besides the ones it declares. */
function standardErrors(route: AnyRoute): Record<string, unknown> {
  const errors: Record<string, unknown> = {};
  if (route.params || route.query || route.body)
    errors['400'] = problemResponse('Invalid input (validation_failed, malformed_json)');
  if (route.permission !== null) {
    errors['401'] = problemResponse('Missing, invalid, expired or revoked credentials');
    errors['403'] = problemResponse(`Lacks the ${route.permission} permission`);
  }
  if (route.params)
    errors['404'] = problemResponse('Not found — also the answer for another tenant’s ids');
  if (route.body) {
    errors['413'] = problemResponse('Body too large');
    errors['415'] = problemResponse('Body is not JSON');
  }
  if (route.rateLimit !== false) errors['429'] = problemResponse('Rate limited; see Retry-After');
  errors['500'] = problemResponse('Internal error (a bug; quote the requestId)');
  errors['503'] = problemResponse('Temporarily unavailable; retry');
  return errors;
}

/**
 * The body schema, with the example given by `.meta({ examples })` on it. Zod leaves
 * examples out of input-side JSON Schema when the schema transforms (as email fields do),
 * so they are read from the registry and shown as the media type's example.
 */
function requestBody(schema: z.ZodType) {
  const example = (z.globalRegistry.get(schema)?.examples as unknown[] | undefined)?.[0];
  return {
    required: true,
    content: {
      'application/json': { schema: toSchema(schema, 'input'), ...(example ? { example } : {}) },
    },
  };
}

export function operationId(route: AnyRoute): string {
  const words = route.path
    .split('/')
    .filter((s) => s && s !== 'v1')
    .map((s) => (s.startsWith('{') ? `by-${s.slice(1, -1)}` : s))
    .join('-')
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean);
  return [route.method.toLowerCase(), ...words.map((w) => w[0]?.toUpperCase() + w.slice(1))].join(
    '',
  );
}

/** OpenAPI 3.1 built from the route declarations: the router's own schemas, never a copy. */
export function buildOpenApiDocument(routes: AnyRoute[], info: DocumentInfo): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = standardErrors(route);
    for (const [status, spec] of Object.entries(route.responses)) {
      responses[status] =
        Number(status) >= 400
          ? problemResponse(spec.description)
          : {
              description: spec.description,
              ...(spec.schema
                ? { content: { 'application/json': { schema: toSchema(spec.schema, 'output') } } }
                : {}),
            };
    }
    const operation = {
      operationId: operationId(route),
      summary: route.summary,
      tags: route.tags ?? [],
      ...(route.permission
        ? { 'x-permission': route.permission, description: `Needs \`${route.permission}\`.` }
        : {}),
      security: route.permission === null ? [] : [{ bearerJwt: [] }, { apiKey: [] }],
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      ...(route.body ? { requestBody: requestBody(route.body) } : {}),
      ...(route.rawBody
        ? {
            requestBody: {
              required: true,
              description: route.rawBody.description,
              content: Object.fromEntries(route.rawBody.contentTypes.map((t) => [t, {}])),
            },
          }
        : {}),
      responses,
    };
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: {
        bearerJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Access token from /v1/auth/login or /v1/auth/refresh.',
        },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'dck_…',
          description: 'API key from POST /v1/api-keys, for machines.',
        },
      },
    },
  };
}

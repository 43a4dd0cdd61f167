import type { JsonSchema } from './json-example.ts';

/** One operation of /openapi.json, as the sweep and the fuzzer drive it. */
export interface Operation {
  method: string;
  path: string;
  /** x-permission; undefined for public operations. */
  permission: string | undefined;
  body: JsonSchema | undefined;
  query: { name: string; required: boolean; schema: JsonSchema }[];
}

type Document = { paths: Record<string, Record<string, Record<string, unknown>>> };

export function operationsOf(doc: Document): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      permission: op['x-permission'] as string | undefined,
      body: (op.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined)
        ?.content?.['application/json']?.schema,
      query: (
        (op.parameters ?? []) as {
          name: string;
          in: string;
          required?: boolean;
          schema: JsonSchema;
        }[]
      )
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, required: Boolean(p.required), schema: p.schema })),
    })),
  );
}

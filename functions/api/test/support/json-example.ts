// A valid instance of a request body's JSON Schema (as zod writes it into /openapi.json):
// the documented example when there is one, else the smallest value that passes.
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  default?: unknown;
  examples?: unknown[];
};

// Strings tried, in order, against a schema's pattern.
const CANDIDATES = ['sweep-value', 'abc', 'a'.repeat(64), 'main', 'feat', 'owner/name', 'x1'];

export function exampleOf(schema: JsonSchema): unknown {
  if (schema.examples?.length) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const options = schema.anyOf ?? schema.oneOf;
  if (options)
    return exampleOf(options.find((o) => o.type !== 'null') ?? (options[0] as JsonSchema));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) {
        const property = schema.properties?.[name];
        if (property) out[name] = exampleOf(property);
      }
      return out;
    }
    case 'array':
      return schema.minItems
        ? Array.from({ length: schema.minItems }, () => exampleOf(schema.items ?? {}))
        : [];
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 0, (schema.exclusiveMinimum ?? 0) + 1);
    case 'boolean':
      return false;
    case 'string':
      return stringFor(schema);
    default:
      return schema.default ?? null;
  }
}

function stringFor(schema: JsonSchema): string {
  switch (schema.format) {
    case 'uuid':
      return '00000000-0000-4000-8000-000000000001';
    case 'email':
      return 'sweep@example.com';
    case 'date-time':
      return new Date().toISOString();
    case 'date':
      return '2026-01-01';
    case 'uri':
      return 'https://example.com/sweep';
  }
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern);
    const found = CANDIDATES.find((c) => pattern.test(c));
    if (found) return found;
  }
  return 'x'.repeat(Math.max(schema.minLength ?? 1, 5)).slice(0, schema.maxLength ?? 5);
}

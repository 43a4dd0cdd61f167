/**
 * The columns a write sets, from an API body: each field given (not undefined) under its
 * column name. A PATCH thereby changes exactly what it names, and nothing else.
 */
export function changedColumns<K extends string>(
  body: Partial<Record<K, unknown>>,
  columnOf: Record<K, string>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body)
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => [columnOf[field as K], value]),
  );
}

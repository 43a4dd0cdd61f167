import * as jsoncModule from 'jsonc-parser';

// Node loads jsonc-parser's UMD build (its API is the default export); the bundle of the
// hook script (esbuild) its ESM build (the API is the namespace).
export const jsonc: typeof jsoncModule =
  (jsoncModule as unknown as { default?: typeof jsoncModule }).default ?? jsoncModule;

/**
 * Sets (or, with undefined, removes) one value of a JSON text as a text edit: only what is
 * inserted is formatted (in the file's own indentation and line ends), so the rest of the
 * file — other settings, comments, formatting — stays byte for byte as it was.
 */
export function editJson(text: string, at: jsoncModule.JSONPath, value: unknown): string {
  const edits = jsonc.modify(text, at, value, {});
  let result = jsonc.applyEdits(text, edits);
  if (value === undefined) return result;
  const formatting = { ...indentationOf(text), eol: text.includes('\r\n') ? '\r\n' : '\n' };
  for (const { offset, content } of edits)
    result = jsonc.applyEdits(
      result,
      jsonc.format(result, { offset, length: content.length }, formatting),
    );
  return result;
}

/** The file's own indentation (tabs, or the width of its first indented line). */
function indentationOf(text: string) {
  const first = /\n([ \t]+)\S/.exec(text)?.[1];
  if (first?.startsWith('\t')) return { insertSpaces: false, tabSize: 1 };
  return { insertSpaces: true, tabSize: first ? first.length : 2 };
}

/** The text as a JSON object (comments and trailing commas allowed), or undefined. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const errors: jsoncModule.ParseError[] = [];
  const value = jsonc.parse(text, errors, { allowTrailingComma: true });
  return errors.length === 0 && typeof value === 'object' && value !== null && !Array.isArray(value)
    ? value
    : undefined;
}

/** A whole JSON text laid out with two-space indentation (for a file this CLI creates). */
export function formatJson(text: string): string {
  const options = { insertSpaces: true, tabSize: 2, eol: '\n' };
  return `${jsonc.applyEdits(text, jsonc.format(text, undefined, options)).trimEnd()}\n`;
}

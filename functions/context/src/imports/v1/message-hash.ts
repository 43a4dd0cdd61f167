import { createHash } from 'node:crypto';

/**
 * v1 addressed each message by the SHA-256 hex of `{"content": ..., "role": ...}` exactly
 * as Python's `json.dumps(obj, sort_keys=True)` wrote it: ", " and ": " separators, and
 * ensure_ascii — every character outside printable ASCII as \uXXXX (lowercase hex), those
 * beyond the BMP as their UTF-16 surrogate pair. JavaScript strings are UTF-16 already,
 * so escaping code unit by code unit gives exactly Python's output.
 */
export function pythonJsonString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const char = value[i] as string;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** `json.dumps({"content": content, "role": role}, sort_keys=True)`, hashed as v1 did. */
export function v1MessageHash(message: { content: string; role: string }): string {
  const json = `{"content": ${pythonJsonString(message.content)}, "role": ${pythonJsonString(message.role)}}`;
  return createHash('sha256').update(json, 'utf8').digest('hex');
}

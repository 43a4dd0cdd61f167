import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonJsonString, v1MessageHash } from '../src/imports/v1/message-hash.ts';
import { V1_SAMPLE_DIR } from './fixtures.ts';

const fixtures = V1_SAMPLE_DIR;
const messages = readdirSync(fixtures)
  .filter((f) => f.startsWith('messages-page-'))
  .flatMap(
    (f) =>
      JSON.parse(readFileSync(path.join(fixtures, f), 'utf8')).messages as {
        hash: string;
        role: string;
        content: string;
      }[],
  );

describe('v1 message hashes', () => {
  it('escapes like Python json.dumps with ensure_ascii', () => {
    expect(pythonJsonString('a "quote" \\ back\nline\ttab')).toBe(
      '"a \\"quote\\" \\\\ back\\nline\\ttab"',
    );
    expect(pythonJsonString('café – 漢')).toBe('"caf\\u00e9 \\u2013 \\u6f22"');
    expect(pythonJsonString('🚀')).toBe('"\\ud83d\\ude80"');
    expect(pythonJsonString('\u0001\u007f')).toBe('"\\u0001\\u007f"');
  });

  it('reproduces every hash of the v1 sample (153 messages, emoji and non-ASCII included)', () => {
    expect(messages).toHaveLength(153);
    const mismatched = messages.filter((m) => v1MessageHash(m) !== m.hash);
    expect(mismatched.map((m) => m.hash)).toEqual([]);
    expect(messages.some((m) => [...m.content].some((c) => c.charCodeAt(0) > 0x7f))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { codeWords, MAX_CODE_WORDS } from '../src/messages/code-words.ts';

describe('code words (what search adds for code)', () => {
  it("gives a path's trailing parts and pieces, a name's, a tag's and camelCase's", () => {
    const words = codeWords(
      'I patched shared/src/db/with-tenant.ts, rolling_log_handler.py and useEffect: <script>',
    );
    for (const expected of [
      'src/db/with-tenant.ts',
      'db/with-tenant.ts',
      'with-tenant.ts',
      'shared src db with tenant ts',
      'rolling log handler py',
      'use Effect',
      'script',
    ]) {
      expect(words).toContain(expected);
    }
  });

  it('gives the overlapping character pairs of a CJK run', () => {
    expect(codeWords('検索インデックス')).toBe(
      '検索インデックス 検索 索イ イン ンデ デッ ック クス',
    );
  });

  it('has nothing to add to plain prose', () => {
    expect(codeWords('The nightly exports keep failing since Tuesday')).toBeNull();
  });

  it('stays small on hostile input: long chunks are skipped, a path gives six parts at most', () => {
    expect(codeWords(`${'('.repeat(500_000)}a`)).toBeNull();
    expect(codeWords('a/'.repeat(500_000))).toBeNull();
    const deep = codeWords('/a'.repeat(100))?.split(' ') ?? [];
    expect(deep).toContain('a/a/a/a/a/a');
    expect(deep).not.toContain('a/a/a/a/a/a/a');
    expect(codeWords('x.y '.repeat(100_000))).toBe('x y');
    // Paragraphs of CJK prose: pairs would be four times the text; the cap holds.
    const prose = Array.from(
      { length: 800 },
      (_, i) =>
        `${String.fromCharCode(0x4e00 + i)}${'検索インデックスを再構築しました'.repeat(15)}`,
    ).join(' ');
    expect(prose.length).toBeGreaterThan(190_000);
    expect((codeWords(prose) ?? '').length).toBeLessThanOrEqual(MAX_CODE_WORDS);
  });
});

// What code adds to a text's search vector (sql/migrations/0032): the text parser keeps a
// path or a file name whole (shared/src/db/x.ts) and splits snake_case into words in order,
// but it cannot find `x.ts` or `db/x.ts` in a path, `effect` in useEffect, `script` in
// <script>, or part of a run of Chinese or Japanese (one "word" to it, as such text has no
// spaces). These words let it: computed here, where the CPU is to spare, rather than in the
// database, which was the bottleneck of ingest.

/** A chunk worth a look: a path, dotted or dashed name, tag, camelCase word or CJK run. */
const CANDIDATE = /[/._:<>-]|[a-z0-9][A-Z]|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/u;
const CJK_RUN = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2,}/gu;

/**
 * The overlapping character pairs of each run of CJK script in `text` (one "word" to the
 * text parser, as such text has no spaces), a list per run: indexed here, and looked for
 * as a phrase by a query for part of a run (search-messages.ts).
 */
export function cjkPairs(text: string): string[][] {
  return [...text.matchAll(CJK_RUN)].map(([run]) => {
    const chars = [...run];
    return chars.slice(0, -1).map((c, i) => `${c}${chars[i + 1]}`);
  });
}
const PUNCTUATION = new Set('.,;:!?()[]{}"\'`');
/** Longer chunks are data (a hash, base64), not names: skipped, which also bounds the work. */
const MAX_CHUNK = 300;
/** A path's trailing parts kept: x.ts, db/x.ts, … up to this many. */
const MAX_SUFFIXES = 6;
const MAX_TEXT = 200_000; // as much of a text as its search vector reads
/** At most this much is added to a text (a search vector holds 1 MB, CJK pairs multiply). */
export const MAX_CODE_WORDS = 20_000;

/**
 * The extra words of `text`: each path's trailing parts (db/x.ts, x.ts), each candidate's
 * pieces in order (rolling log handler py; use Effect; script), and each CJK run's
 * overlapping character pairs, which a query for part of the run looks for as a phrase.
 * Each once, MAX_CODE_WORDS in all; null when there are none. Linear in the text: every
 * pattern is a character class.
 */
export function codeWords(text: string): string | null {
  const words = new Set<string>();
  let length = 0;
  const add = (word: string) => {
    if (word && !words.has(word) && length + word.length < MAX_CODE_WORDS) {
      words.add(word);
      length += word.length + 1;
    }
  };
  for (const chunk of text.slice(0, MAX_TEXT).split(/\s+/)) {
    if (chunk.length > MAX_CHUNK || !CANDIDATE.test(chunk)) continue;
    const word = trimPunctuation(chunk);
    const parts = word.split('/');
    for (let i = Math.max(1, parts.length - MAX_SUFFIXES); i < parts.length; i++) {
      if (parts[i]) add(parts.slice(i).join('/'));
    }
    add(
      word
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim(),
    );
    // One entry per run, so a pair repeated within it keeps its place in the phrase.
    for (const pairs of cjkPairs(word)) add(pairs.join(' '));
  }
  return words.size ? [...words].join(' ') : null;
}

function trimPunctuation(chunk: string): string {
  let start = 0;
  let end = chunk.length;
  while (start < end && PUNCTUATION.has(chunk[start] as string)) start++;
  while (end > start && PUNCTUATION.has(chunk[end - 1] as string)) end--;
  return chunk.slice(start, end);
}

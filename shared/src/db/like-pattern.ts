/**
 * A LIKE/ILIKE pattern matching `text` anywhere: the user's % and _ (and the escape
 * character itself) match literally, not as wildcards.
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

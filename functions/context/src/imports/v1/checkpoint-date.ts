/**
 * When a v1 checkpoint (a session) happened. Its `date` is often junk ("MEMORY", "2025")
 * or almost a date ("2025:11:22T08:28:09Z"); the id usually carries the real moment
 * ("...--2025-11-16T20:08:18Z-...", "2025-11-22T08-28-09Z-...", "2025-11-20-EXPORT-...").
 * Returns an ISO instant, or null when nothing in the checkpoint says.
 */
export function checkpointDate(checkpoint: { id: string; date?: unknown }): string | null {
  const date = typeof checkpoint.date === 'string' ? checkpoint.date.trim() : '';
  return (
    fromText(date.replace(/^(\d{4}):(\d{2}):(\d{2})T/, '$1-$2-$3T')) ?? fromText(checkpoint.id)
  );
}

const DATE_TIME = /(\d{4})-(\d{2})-(\d{2})T(\d{2})[:-](\d{2})[:-](\d{2})(?:\.\d+)?Z/;
const DATE_ONLY = /(?:^|\D)(\d{4})-(\d{2})-(\d{2})(?!\d)/;

function fromText(text: string): string | null {
  const full = DATE_TIME.exec(text);
  if (full) return valid(`${full[1]}-${full[2]}-${full[3]}T${full[4]}:${full[5]}:${full[6]}Z`);
  const day = DATE_ONLY.exec(text);
  if (day) return valid(`${day[1]}-${day[2]}-${day[3]}T00:00:00Z`);
  return null;
}

function valid(iso: string): string | null {
  const time = Date.parse(iso);
  // Date.parse rolls 2025-02-31 over into March: only a date that reads back the same counts.
  return Number.isNaN(time) || new Date(time).toISOString().slice(0, 19) !== iso.slice(0, 19)
    ? null
    : `${iso.slice(0, 19)}Z`;
}

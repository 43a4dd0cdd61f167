import path from 'node:path';

/**
 * A real slice of the v1 dashboard export (153 messages over 3 checkpoints, with their
 * commands, files, commits and topics) in the exact v1 format, quirks included: junk dates,
 * non-ASCII and emoji content, role mislabels. Kept in the repository so a clone tests alone.
 */
export const V1_SAMPLE_DIR = path.join(import.meta.dirname, 'fixtures', 'v1-sample');

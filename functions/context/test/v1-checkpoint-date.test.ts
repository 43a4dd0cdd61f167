import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointDate } from '../src/imports/v1/checkpoint-date.ts';
import { V1_SAMPLE_DIR } from './fixtures.ts';

const fixtures = V1_SAMPLE_DIR;
const { checkpoints } = JSON.parse(
  readFileSync(path.join(fixtures, 'checkpoints.json'), 'utf8'),
) as {
  checkpoints: { id: string; date: string }[];
};

describe('v1 checkpoint dates', () => {
  it('recovers a real moment for every checkpoint of the sample, junk dates included', () => {
    expect(checkpoints.map((c) => [c.date, checkpointDate(c)])).toEqual([
      ['MEMORY', '2025-11-16T20:08:18Z'],
      ['2025', '2025-11-20T00:00:00Z'],
      ['2025', '2025-11-24T00:00:00Z'],
      ['2025:11:22T08:28:09Z', '2025-11-22T08:28:09Z'],
      ['2025:11:22T06:53:19Z', '2025-11-22T06:53:19Z'],
    ]);
  });

  it('prefers a valid date field, refuses impossible dates, and says null when nothing is known', () => {
    expect(checkpointDate({ id: 'whatever-2020-01-01', date: '2024-05-06T07:08:09Z' })).toBe(
      '2024-05-06T07:08:09Z',
    );
    expect(checkpointDate({ id: '2025-02-31-EXPORT', date: 'MEMORY' })).toBeNull();
    expect(checkpointDate({ id: 'NO-DATE-HERE', date: '2025' })).toBeNull();
  });
});

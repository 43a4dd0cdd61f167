import { describe, expect, it } from 'vitest';
import { AppError, decodeCursor, instantSchema, isInstant } from '../src/index.ts';

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const id = '0b8a4a1e-5f0e-4d5c-9c1a-2f3e4d5c6b7a';
const refused = (text: string, shape: Parameters<typeof decodeCursor>[1]) => {
  try {
    decodeCursor(text, shape);
    return false;
  } catch (error) {
    return error instanceof AppError && error.code === 'validation_failed';
  }
};

describe('cursors', () => {
  it('each list reads its own shape back', () => {
    expect(
      decodeCursor(cursor({ after: '2026-11-30 03:35:48.123456+00', id }), { after: 'instant' }),
    ).toEqual({
      after: '2026-11-30 03:35:48.123456+00',
      id,
    });
    expect(decodeCursor(cursor({ after: '42', id }), { after: 'integer' })?.after).toBe('42');
    expect(
      decodeCursor(cursor({ after: 'x', id: 'a'.repeat(40) }), { after: 'text', id: 'sha' })?.id,
    ).toBe('a'.repeat(40));
    expect(decodeCursor(undefined, { after: 'text' })).toBeUndefined();
  });

  it('a forged one is a 400, whatever is wrong with it', () => {
    const forged: [string, Parameters<typeof decodeCursor>[1]][] = [
      ['not base64 json', { after: 'text' }],
      [cursor({ after: 'yesterday', id }), { after: 'instant' }],
      [cursor({ after: '0000-01-01 00:00:00+00', id }), { after: 'instant' }],
      [cursor({ after: '2026-02-31 10:00:00+00', id }), { after: 'instant' }],
      [cursor({ after: '1e999', id }), { after: 'number' }],
      [cursor({ after: '99999999999999999999', id }), { after: 'integer' }],
      [cursor({ after: 'x', id: 'not-a-uuid' }), { after: 'text' }],
      [cursor({ after: 'x'.repeat(1001), id }), { after: 'text' }],
      [cursor({ after: 1, id }), { after: 'integer' }],
      [cursor(null), { after: 'text' }],
    ];
    for (const [text, shape] of forged) expect(refused(text, shape), text.slice(0, 60)).toBe(true);
  });
});

describe('instants', () => {
  it('are RFC 3339 with any valid offset, years 0001 to 9999, days that exist', () => {
    for (const ok of [
      '2026-11-30T03:35:48Z',
      '2026-11-30T03:35:48.123+05:30',
      '2026-11-30 03:35:48.123456+00',
      '2024-02-29T00:00:00-15:59',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999999999Z',
    ])
      expect(isInstant(ok), ok).toBe(true);
    for (const bad of [
      '0000-01-01T00:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-30T24:00:00Z',
      '2026-11-30T03:35:48+16:00',
      '2026-11-30T03:35:48',
      '10000-01-01T00:00:00Z',
      // In range as written, out of it in UTC: PostgreSQL would refuse them.
      '9999-12-31T23:59:59.999-00:01',
      '0001-01-01T00:00:00+00:01',
      'tomorrow',
    ])
      expect(isInstant(bad), bad).toBe(false);
  });
});

describe('the instant schema', () => {
  it('takes every RFC 3339 form and gives the one the API stores and echoes: UTC, milliseconds', () => {
    const schema = instantSchema();
    expect(schema.parse('2026-11-20T10:00:00.123456+02:00')).toBe('2026-11-20T08:00:00.123Z');
    expect(schema.parse('2026-11-20 10:00:00z')).toBe('2026-11-20T10:00:00.000Z');
    expect(schema.parse('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00.000Z');
    expect(schema.parse('0099-06-01T00:00:00+01:00')).toBe('0099-05-31T23:00:00.000Z');
  });

  it('refuses what PostgreSQL would, with a message naming the form', () => {
    const refused = instantSchema().safeParse('2026-11-20T10:00:00+16:00');
    expect(refused.success).toBe(false);
    // Offsets RFC 3339 does not have (read internally from PostgreSQL, not taken from clients).
    for (const form of [
      '2026-11-20T10:00:00-0530',
      '2026-11-20T10:00:00+01',
      '2026-11-20 10:00:00+00',
    ])
      expect(instantSchema().safeParse(form).success, form).toBe(false);
    expect(refused.error?.issues[0]?.message).toContain('RFC 3339');
  });
});

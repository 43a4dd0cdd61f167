import { describe, expect, it } from 'vitest';
import { defaultWindow, MIN_WIDTH, pan, windowOf, zoom } from '../src/time-window.ts';

const DAY = 86_400_000;
const march = Date.parse('2025-03-01T00:00:00Z');
/** `n` items a few hours apart through March 2025. */
const cluster = (n: number) => Array.from({ length: n }, (_, i) => march + i * 7 * 3_600_000);

describe('the timeline opens on where the work is', () => {
  it('leaves out one item a year and a half later, which would squeeze the rest', () => {
    const times = [...cluster(100), Date.parse('2026-11-20T00:00:00Z')];
    const w = defaultWindow(times);
    expect(w).not.toBeNull();
    // Every clustered item is inside, and they fill most of the width.
    const clustered = cluster(100);
    const first = clustered[0] as number;
    const last = clustered.at(-1) as number;
    expect(w?.from).toBeLessThanOrEqual(first);
    expect(w?.to).toBeGreaterThanOrEqual(last);
    expect((last - first) / ((w?.to ?? 0) - (w?.from ?? 0))).toBeGreaterThan(0.9);
  });

  it('leaves out a small cluster of outliers at either end, not only a single one', () => {
    const early = [Date.parse('2023-01-01T00:00:00Z'), Date.parse('2023-01-01T02:00:00Z')];
    const late = [Date.parse('2026-10-01T00:00:00Z'), Date.parse('2026-10-02T00:00:00Z')];
    const w = defaultWindow([...early, ...cluster(40), ...late]);
    expect(w?.from).toBeGreaterThan(Date.parse('2025-01-01'));
    expect(w?.to).toBeLessThan(Date.parse('2025-06-01'));
  });

  it('keeps everything when no gap squeezes the rest, or the outliers are too many', () => {
    const even = Array.from({ length: 50 }, (_, i) => march + i * DAY);
    const w = defaultWindow(even);
    expect(w?.from).toBeLessThanOrEqual(march);
    expect(w?.to).toBeGreaterThanOrEqual(march + 49 * DAY);
    // Two halves a year apart: neither is an outlier, so both stay.
    const halves = [...cluster(10), ...cluster(10).map((t) => t + 365 * DAY)];
    const both = defaultWindow(halves);
    expect(both?.from).toBeLessThanOrEqual(march);
    expect(both?.to).toBeGreaterThanOrEqual(march + 365 * DAY);
  });

  it('gives a readable width for a single item and nothing for none', () => {
    const w = defaultWindow([march]);
    expect((w?.to ?? 0) - (w?.from ?? 0)).toBeGreaterThanOrEqual(MIN_WIDTH);
    expect(w?.from).toBeLessThan(march);
    expect(w?.to).toBeGreaterThan(march);
    expect(defaultWindow([])).toBeNull();
    expect(windowOf([])).toBeNull();
  });
});

describe('zoom and pan', () => {
  const w = { from: march, to: march + 10 * DAY };
  it('zoom keeps the middle and stops at the narrowest width', () => {
    expect(zoom(w, 0.5)).toEqual({ from: march + 2.5 * DAY, to: march + 7.5 * DAY });
    expect(zoom(w, 2)).toEqual({ from: march - 5 * DAY, to: march + 15 * DAY });
    let narrow = w;
    for (let i = 0; i < 40; i++) narrow = zoom(narrow, 0.5);
    expect(narrow.to - narrow.from).toBe(MIN_WIDTH);
  });

  it('pan moves by a share of the width', () => {
    expect(pan(w, -0.5)).toEqual({ from: march - 5 * DAY, to: march + 5 * DAY });
    expect(pan(w, 0.5)).toEqual({ from: march + 5 * DAY, to: march + 15 * DAY });
  });
});

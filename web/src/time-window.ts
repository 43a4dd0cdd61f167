/** A stretch of time in epoch milliseconds: what the timeline's axis shows. */
export interface TimeWindow {
  from: number;
  to: number;
}

const HOUR = 3_600_000;
/** The narrowest axis: a few sessions' worth, so zooming in always ends somewhere readable. */
export const MIN_WIDTH = HOUR;
/** At most this share of the items is left out of the default axis as outliers. */
const MAX_OUTLIER_SHARE = 0.2;
/** A gap wider than this share of the axis squeezes everything else into a corner. */
const SQUEEZING_GAP = 0.5;

/**
 * The axis to open with: every item, except a few outliers at either end that sit beyond a
 * gap wider than half the axis (one session from a year later would squeeze all the others
 * into a sliver). At most a fifth of the items are left out; each cut looks again, so a
 * small cluster of outliers goes as well as a single one. Null for no items.
 */
export function defaultWindow(times: number[]): TimeWindow | null {
  const sorted = [...times].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  let lo = 0;
  let hi = sorted.length - 1;
  let budget = Math.floor(sorted.length * MAX_OUTLIER_SHARE);
  const at = (i: number) => sorted[i] as number;
  for (let cut = true; cut && budget > 0; ) {
    cut = false;
    const span = at(hi) - at(lo);
    // The widest gap among the outermost `budget` items of each end.
    let best = { gap: 0, lo, hi };
    for (let i = lo; i < Math.min(lo + budget, hi); i++) {
      const gap = at(i + 1) - at(i);
      if (gap > best.gap) best = { gap, lo: i + 1, hi };
    }
    for (let i = hi; i > Math.max(hi - budget, lo); i--) {
      const gap = at(i) - at(i - 1);
      if (gap > best.gap) best = { gap, lo, hi: i - 1 };
    }
    if (span > 0 && best.gap > span * SQUEEZING_GAP) {
      budget -= best.lo - lo + (hi - best.hi);
      lo = best.lo;
      hi = best.hi;
      cut = true;
    }
  }
  return padded({ from: at(lo), to: at(hi) });
}

/** A little room at both ends, so the first and last items are not cut by the frame. */
function padded(w: TimeWindow): TimeWindow {
  const width = Math.max(w.to - w.from, MIN_WIDTH);
  const middle = (w.from + w.to) / 2;
  const half = (width * 1.06) / 2;
  return { from: Math.round(middle - half), to: Math.round(middle + half) };
}

/** The window `factor` times as wide around the same middle (below 1 zooms in). */
export function zoom(w: TimeWindow, factor: number): TimeWindow {
  const width = Math.max((w.to - w.from) * factor, MIN_WIDTH);
  const middle = (w.from + w.to) / 2;
  return { from: Math.round(middle - width / 2), to: Math.round(middle + width / 2) };
}

/** The window moved by `share` of its width (negative is earlier). */
export function pan(w: TimeWindow, share: number): TimeWindow {
  const by = Math.round((w.to - w.from) * share);
  return { from: w.from + by, to: w.to + by };
}

/** The smallest window holding every time given (padded), or null for none. */
export function windowOf(times: number[]): TimeWindow | null {
  if (times.length === 0) return null;
  return padded({ from: Math.min(...times), to: Math.max(...times) });
}

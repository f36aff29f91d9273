import { FAILURE_RATIO_WINDOWS, FailureRatioWindow } from '../rules/pipeline-recording';
import { Duration } from '../duration';

export type BurnSpeed = 'fast' | 'slow';

/** One multi-window condition: the failure ratio exceeds `factor` × budget over both windows. */
export interface BurnTier {
  readonly speed: BurnSpeed;
  readonly factor: number;
  readonly longWindow: FailureRatioWindow;
  readonly shortWindow: FailureRatioWindow;
}

/** The SRE workbook's multi-window, multi-burn-rate tiers (page: 2% / 5% of a 30-day budget; ticket: 10%). */
export const SRE_WORKBOOK_TIERS: readonly BurnTier[] = [
  { speed: 'fast', factor: 14.4, longWindow: '1h', shortWindow: '5m' },
  { speed: 'fast', factor: 6, longWindow: '6h', shortWindow: '30m' },
  { speed: 'slow', factor: 3, longWindow: '1d', shortWindow: '2h' },
  { speed: 'slow', factor: 1, longWindow: '3d', shortWindow: '6h' },
];

/**
 * Batch adaptation: a window shorter than the schedule period holds no run
 * most of the time (its ratio is then absent, not 0), so both windows of a
 * tier must span at least one period. Each window becomes the smallest
 * recorded window that covers max(window, period); tiers whose windows then
 * coincide keep only the lowest factor, which fires whenever the higher
 * would. Tiers whose threshold reaches 100% can never fire and are dropped.
 */
export function burnTiersFor(periodSeconds: number | undefined, errorBudget: number): BurnTier[] {
  const widen = (w: FailureRatioWindow): FailureRatioWindow => {
    const needed = Math.max(Duration.parse(w).toSeconds(), periodSeconds ?? 0);
    return FAILURE_RATIO_WINDOWS.find((c) => Duration.parse(c).toSeconds() >= needed) ?? FAILURE_RATIO_WINDOWS[FAILURE_RATIO_WINDOWS.length - 1];
  };
  const tiers: BurnTier[] = [];
  for (const tier of SRE_WORKBOOK_TIERS) {
    const widened = { ...tier, longWindow: widen(tier.longWindow), shortWindow: widen(tier.shortWindow) };
    if (widened.factor * errorBudget >= 1) continue;
    const same = tiers.findIndex((t) => t.speed === widened.speed && t.longWindow === widened.longWindow && t.shortWindow === widened.shortWindow);
    if (same < 0) tiers.push(widened);
    else if (widened.factor < tiers[same].factor) tiers[same] = widened;
  }
  return tiers;
}

/** factor × budget as a short decimal (14.4 × 0.01 is 0.14400000000000002 in floating point). */
export function burnThreshold(tier: BurnTier, errorBudget: number): number {
  return Number((tier.factor * errorBudget).toPrecision(6));
}

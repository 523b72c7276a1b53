/**
 * Rounds a channel count to the nearest multiple of `divisor`, never below `divisor` and
 * never more than 10% under the requested value: the rule the MobileNet and EfficientNet
 * papers (and torchvision's `_make_divisible`) use, so width-scaled models keep channel
 * counts that vectorize well and match the reference implementations exactly.
 */
export function makeDivisible(value: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}

/**
 * Checks of configuration numbers (constructor options, not events): a bad value throws a
 * RangeError that names the option and the value it got, so a wrong setting fails where it is
 * made and says which one.
 */

/**
 * Returns `value` when it is an integer in `min`..`max`; otherwise throws RangeError
 * "`name` must be an integer ≥ min[ and ≤ max], got value". O(1).
 */
export function requireInteger(name: string, value: number, min: number, max = Infinity): number {
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  const bounds = max === Infinity ? `≥ ${min}` : `from ${min} to ${max}`;
  throw new RangeError(`${name} must be an integer ${bounds}, got ${String(value)}`);
}

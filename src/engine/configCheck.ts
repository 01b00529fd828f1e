/**
 * Checks of configuration numbers (constructor options, not events): a bad value throws a
 * RangeError that names the option and the value it got, so a wrong setting fails where it is
 * made and says which one.
 */

/** Returns `value` when it is an integer ≥ `min`; otherwise throws RangeError naming `name`. O(1). */
export function requireInteger(name: string, value: number, min: number): number {
  if (Number.isInteger(value) && value >= min) return value;
  throw new RangeError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
}

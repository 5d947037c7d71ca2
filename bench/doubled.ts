/** A typed array twice as long holding `a`'s values: the benches' arrival logs grow without a bound known ahead. */
export function doubled<T extends Int8Array | Int32Array | Float64Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

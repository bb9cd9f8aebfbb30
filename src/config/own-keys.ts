// Keys from a config file are the user's text: `__proto__`, `constructor` or `prototype` must
// stay ordinary keys (reported as unknown by the schema), never reach an object's prototype.
// A plain `target[key] = value` with key "__proto__" would replace target's prototype instead.

/** Sets an own, enumerable property, whatever the key. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** An own property's value; undefined for an inherited one (Object.prototype's, for a start). */
export function getOwn(target: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(target, key) ? target[key] : undefined;
}

// Building an event's data map from names found in the input: a name such as "__proto__" must
// become a key like any other, never reach the object's prototype.

/** Sets data[key] = value; a repeated key keeps the first value and gets `key#1`, `key#2`, ... */
export function putData(data: Record<string, string>, key: string, value: string): void {
  let k = key;
  for (let n = 1; Object.hasOwn(data, k); n++) k = `${key}#${n}`;
  if (k === '__proto__')
    Object.defineProperty(data, k, { value, enumerable: true, writable: true, configurable: true });
  else data[k] = value;
}

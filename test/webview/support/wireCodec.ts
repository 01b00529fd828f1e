/**
 * Carries host messages into the browser page. `page.evaluate` serializes arguments as JSON-like
 * values, which loses typed arrays, so each Float64Array travels as base64 of its bytes (exact)
 * and is rebuilt in the page before `window.postMessage` (which then structured-clones it, as
 * VS Code does). The same array referenced twice (indicator `times`) is sent once.
 */

/** The wire form: JSON text plus the base64 payloads it references by index. */
export interface WireMessage {
  json: string;
  arrays: string[];
}

const TAG = '$f64';

/** Encodes a message (any plain object graph with Float64Arrays). O(bytes). */
export function encodeMessage(message: unknown): WireMessage {
  const arrays: string[] = [];
  const seen = new Map<Float64Array, number>();
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof Float64Array) {
      let index = seen.get(value);
      if (index === undefined) {
        index = arrays.length;
        arrays.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'));
        seen.set(value, index);
      }
      return { [TAG]: index };
    }
    return value;
  });
  return { json, arrays };
}

/**
 * Page-side decoder and poster, as source for an init script: defines
 * `window.__harnessDeliver(wire)`, which rebuilds the arrays and posts the message to the page.
 */
export const PAGE_DECODER_SOURCE = `
window.__harnessDeliver = (wire) => {
  const arrays = wire.arrays.map((b64) => {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Float64Array(bytes.buffer);
  });
  const message = JSON.parse(wire.json, (key, value) =>
    value !== null && typeof value === 'object' && ${JSON.stringify(TAG)} in value ? arrays[value[${JSON.stringify(TAG)}]] : value);
  window.postMessage(message, '*');
};
`;

/**
 * Bytes a message costs on the wire: typed-array bytes plus the JSON of everything else (the
 * measure the benchmark compares frames and `init` by). An array referenced twice counts once,
 * as structured cloning sends it once. O(message).
 */
export function messageBytes(message: unknown): number {
  let typed = 0;
  const counted = new Set<unknown>();
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (ArrayBuffer.isView(value)) {
      if (!counted.has(value)) typed += value.byteLength;
      counted.add(value);
      return 0;
    }
    return value;
  });
  return typed + Buffer.byteLength(json, 'utf8');
}

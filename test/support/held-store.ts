import type { Store } from '../../src/store/port.js';

/**
 * A store whose `method` holds one call (the one after `skip` calls) until release(): a write
 * caught in flight, to prove what waits for it.
 */
export function holdOneCall(store: Store, method: keyof Store, skip = 0): { store: Store; held: Promise<void>; release(): void } {
  let calls = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let onHeld!: () => void;
  const held = new Promise<void>((resolve) => (onHeld = resolve));
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const bound = (value as (...a: unknown[]) => unknown).bind(target);
      if (property !== method) return bound;
      return async (...args: unknown[]) => {
        if (calls++ === skip) {
          onHeld();
          await released;
        }
        return bound(...args);
      };
    },
  });
  return { store: proxy, held, release };
}

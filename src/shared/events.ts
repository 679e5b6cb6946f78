/**
 * Events between features. A feature declares its events here and calls `emit`; the
 * listeners are connected in one place, src/wiring.ts, never on import. A listener added
 * twice is kept once, so connecting again changes nothing.
 */
export interface AppEvent<A extends unknown[]> {
  /** Adds a listener (once: the same function again is ignored). */
  on(listener: (...args: A) => Promise<void>): void;
  /** Calls every listener in turn, in the order they were added. */
  emit(...args: A): Promise<void>;
}

const counts = new Map<string, () => number>();

export function createEvent<A extends unknown[]>(name: string): AppEvent<A> {
  const listeners = new Set<(...args: A) => Promise<void>>();
  counts.set(name, () => listeners.size);
  return {
    on: (listener) => void listeners.add(listener),
    emit: async (...args) => {
      for (const listener of listeners) await listener(...args);
    },
  };
}

/**
 * A single plug-in point (one provider, e.g. the quiz gate that tells which modules a
 * person passed): setting it again replaces it.
 */
export interface AppSlot<F> {
  set(provider: F): void;
  get(): F | null;
}

export function createSlot<F>(name: string): AppSlot<F> {
  let provider: F | null = null;
  counts.set(name, () => (provider ? 1 : 0));
  return { set: (p) => void (provider = p), get: () => provider };
}

/** How many listeners each declared event has (and 1 or 0 for each slot): for tests and diagnostics. */
export function listenerCounts(): Record<string, number> {
  return Object.fromEntries([...counts].map(([name, count]) => [name, count()]));
}

/**
 * "Metrics on" as an application has them: a store of its own (its own connections, so the
 * metrics-off side shares nothing with it) observed by `createMetrics`, and every coordinator a
 * scenario starts on it observed too (the context's `observe`).
 */
import { Registry } from 'prom-client';
import { createMetrics, createStore, type BlockingCoordinator } from '../src/index.js';
import type { ScenarioContext } from './scenario.js';

export interface MetricsOn {
  context: ScenarioContext;
  /** A scrape of the registry (the row can show it holds what it recorded). */
  scrape(): Promise<string>;
  observe(coordinator: BlockingCoordinator): void;
  close(): Promise<void>;
}

export async function metricsOn(url: string, context: ScenarioContext): Promise<MetricsOn> {
  const store = await createStore({ url });
  const metrics = createMetrics({ registry: new Registry() });
  const unobserve = [metrics.observeStore(store)];
  const observe = (coordinator: BlockingCoordinator): void => void unobserve.push(metrics.observeCoordinator(coordinator));
  return {
    context: { ...context, store, swarmId: `${context.swarmId}-metrics`, idSuffix: `${context.idSuffix ?? ''}-m`, observe },
    scrape: () => metrics.registry.metrics(),
    observe,
    async close() {
      for (const stop of unobserve) stop();
      await store.close();
    },
  };
}

/** Runs `body` with a metrics-on context beside `context`, and closes its store after. */
export async function withMetricsOn<T>(url: string, context: ScenarioContext, body: (on: MetricsOn) => Promise<T>): Promise<T> {
  const on = await metricsOn(url, context);
  try {
    return await body(on);
  } finally {
    await on.close();
  }
}

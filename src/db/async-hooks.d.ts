// The one Node API the Worker uses (nodejs_compat provides it): the D1 trace's entry labels (src/db/trace.ts).
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    run<R>(store: T, fn: () => R): R;
    getStore(): T | undefined;
  }
}

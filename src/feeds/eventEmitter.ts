/**
 * A tiny typed event: listeners subscribe and get a disposable back (the shape VS Code's
 * `Event<T>` has, without depending on `vscode`). A listener that throws is counted and skipped;
 * it never stops the others or the feed that fired.
 */

export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (value: T) => void;

export class Emitter<T> {
  private listeners: Listener<T>[] = [];
  /** Listener calls that threw. */
  listenerErrors = 0;

  /** Subscribes `listener`; `dispose()` unsubscribes it (idempotent). O(1); allocates the handle. */
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners = [...this.listeners, listener];
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        this.listeners = this.listeners.filter((each) => each !== listener);
      },
    };
  };

  /** Calls every listener with `value`. O(listeners); allocates nothing. */
  fire(value: T): void {
    // Subscribing or disposing during a fire replaces the array, so this loop is unaffected.
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        listeners[i]!(value);
      } catch {
        this.listenerErrors++;
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.length;
  }

  /** Drops every listener. */
  dispose(): void {
    this.listeners = [];
  }
}

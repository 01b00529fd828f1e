/**
 * What the tests of a real ChartPanel share: a stand-in for the `vscode` module (use it as
 * `vi.mock('vscode', async () => (await import('../support/chartPanelHarness')).vscodeModule())`),
 * a recording webview panel whose "webview" acks every frame, the window's focus set by the test,
 * and a silent log. No `vscode` import here (only its types): the mock is made from this module.
 */
import type * as vscode from 'vscode';
import { PROTOCOL_VERSION, type HostMessage } from '../../src/engine/protocol';
import type { WindowFocus } from '../../src/extension/windowFocus';

/** VS Code's EventEmitter, as far as the panel uses it. */
export class MockEventEmitter<T> {
  private readonly listeners = new Set<(value: T) => void>();
  readonly event = (listener: (value: T) => void) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

/** Commands the panel runs (`vscode.commands.executeCommand`): recorded, answered by `run`. */
export const mockCommands = {
  calls: [] as unknown[][],
  run: (_id: string, ..._args: unknown[]): Promise<unknown> => Promise.resolve(undefined),
};

/** The `vscode` module as the chart panel uses it. */
export function vscodeModule(): Record<string, unknown> {
  return {
    EventEmitter: MockEventEmitter,
    Uri: { joinPath: (...parts: unknown[]) => ({ toString: () => parts.map(String).join('/') }) },
    window: { showErrorMessage: async () => undefined, showWarningMessage: async () => undefined, showInformationMessage: async () => undefined },
    commands: {
      executeCommand: (id: string, ...args: unknown[]) => {
        mockCommands.calls.push([id, ...args]);
        return mockCommands.run(id, ...args);
      },
    },
  };
}

export const silentLog = { info() {}, warn() {}, error() {} } as unknown as vscode.LogOutputChannel;

/** The window's focus, set by the test. */
export function fakeFocus(focused = true): WindowFocus & { set(focused: boolean): void } {
  const changed = new MockEventEmitter<boolean>();
  return {
    focused,
    onDidChange: changed.event,
    set(this: { focused: boolean }, value: boolean) {
      this.focused = value;
      changed.fire(value);
    },
    dispose() {},
  } as unknown as WindowFocus & { set(focused: boolean): void };
}

/**
 * A recording webview panel; its "webview" answers every frame with an ack. `onPost` sees each
 * message first (and may throw, e.g. when it fails the webview's own validation).
 */
export function fakeWebviewPanel(onPost: (message: HostMessage) => void = () => {}) {
  const viewState = new MockEventEmitter<unknown>();
  const received = new MockEventEmitter<unknown>();
  const disposed = new MockEventEmitter<void>();
  const posted: HostMessage[] = [];
  const panel = {
    active: true,
    visible: true,
    title: '',
    iconPath: undefined as unknown,
    webview: {
      options: {},
      html: '',
      cspSource: 'self',
      asWebviewUri: (uri: unknown) => uri,
      postMessage: async (message: HostMessage) => {
        onPost(message);
        posted.push(message);
        if (message.type === 'frame') queueMicrotask(() => received.fire({ v: PROTOCOL_VERSION, type: 'ack', id: message.id, renderMs: 2 }));
        return true;
      },
      onDidReceiveMessage: received.event,
    },
    onDidChangeViewState: viewState.event,
    onDidDispose: disposed.event,
    reveal() {},
    dispose() {},
  };
  return {
    panel: panel as unknown as vscode.WebviewPanel,
    posted,
    /** The panel becomes (in)active or (in)visible, as VS Code says it. */
    show(active: boolean, visible = true) {
      panel.active = active;
      panel.visible = visible;
      viewState.fire({ webviewPanel: panel });
    },
    /** A message from the webview. */
    send: (message: Record<string, unknown>) => received.fire({ v: PROTOCOL_VERSION, ...message }),
  };
}

/**
 * The panel's side of the channel to the extension host: typed posts (every message carries the
 * protocol version) and the persisted view state, through the API VS Code injects.
 */
import { PROTOCOL_VERSION, type WebviewMessage } from '../../src/engine/protocol';
import { parseViewState, type ViewState } from '../state/viewState';

/** The part of VS Code's webview API the panel uses. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  /** Injected by VS Code; callable once per page load. */
  function acquireVsCodeApi(): VsCodeApi;
}

/** A webview message without its version field (added by {@link HostLink.post}). */
export type Outgoing = WebviewMessage extends infer M ? (M extends WebviewMessage ? Omit<M, 'v'> : never) : never;

export class HostLink {
  constructor(private readonly api: VsCodeApi) {}

  post(message: Outgoing): void {
    this.api.postMessage({ v: PROTOCOL_VERSION, ...message });
  }

  /** The state saved by a previous load of this panel (checked field by field). */
  restore(): ViewState {
    try {
      return parseViewState(this.api.getState());
    } catch {
      return parseViewState(undefined);
    }
  }

  save(state: ViewState): void {
    this.api.setState(state);
  }
}

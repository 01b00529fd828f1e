/**
 * Entry point of the panel webview (bundled by esbuild into dist/webview/main.js, with
 * main.css beside it). Everything it knows about the host comes through src/engine/protocol.
 */
import './styles.css';
import { installDebugHook } from './debugHook';
import { HostLink } from './host/hostLink';
import { PanelApp } from './panelApp';

const app = new PanelApp(document, new HostLink(acquireVsCodeApi()));
installDebugHook(window, app);
app.start(window);

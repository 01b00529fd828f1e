/**
 * The one place ccxt is imported at run time. ccxt is large (about 60 MB on disk, 0.3-0.5 s to
 * load), so it is loaded on the first live feed's open, never at module load; the extension bundle
 * puts it in a chunk of its own. Everything else imports ccxt's types only (`import type`).
 */
import type * as Ccxt from 'ccxt';

/** The ccxt module namespace: exchange classes, `pro`, error classes, `functions`. */
export type CcxtModule = typeof Ccxt;
/** One ccxt exchange instance (REST, or pro with websockets). */
export type CcxtExchange = Ccxt.Exchange;

/** Loads ccxt (the module system caches it after the first call). */
export async function loadCcxt(): Promise<CcxtModule> {
  const loaded = (await import('ccxt')) as CcxtModule & { default?: CcxtModule };
  // Bundled as CommonJS the namespace may sit under `default`.
  return loaded.pro !== undefined ? loaded : (loaded.default as CcxtModule);
}

/**
 * Feeds a real Binance capture into a Market, a given number of events at a time, so a test
 * can interleave engine progress with frames sent to the panel.
 */
import { MarketEvent } from '../../../src/engine/events';
import type { Market } from '../../../src/engine/market';
import { CaptureReader } from '../../../src/feeds/captureReader';

export class CaptureFeed {
  /** Events handed to the market so far. */
  events = 0;
  /** The capture is exhausted. */
  done = false;
  private readonly reader: CaptureReader;
  private readonly event = new MarketEvent();

  constructor(
    private readonly market: Market,
    paths: readonly string[],
  ) {
    this.reader = new CaptureReader(paths);
  }

  /** Feeds up to `count` events (fewer at the end of the capture); returns how many. */
  async feed(count: number): Promise<number> {
    let fed = 0;
    while (fed < count) {
      if (!this.reader.next(this.event)) {
        if (!(await this.reader.fill())) {
          this.done = true;
          break;
        }
        continue;
      }
      this.market.onEvent(this.event);
      fed++;
    }
    this.events += fed;
    return fed;
  }

  close(): void {
    this.reader.close();
  }
}


/**
 * An exchange's rule for chaining book diffs. The sync state machine is the same for every
 * exchange; only these two tests differ. Ids: `firstId`/`finalId` are the diff's first and final
 * update ids, `prevFinalId` the id the exchange says came before (futures `pu`, OKX `prevSeqId`).
 */
/** The ids a rule reads; `MarketEvent` and buffered diffs both have them. */
export interface DiffIds {
  readonly firstId: number;
  readonly finalId: number;
  readonly prevFinalId: number;
}

export interface SequenceRule {
  readonly name: string;
  /** May this diff be the first one applied on top of a snapshot with id `snapshotId`? */
  bridges(diff: DiffIds, snapshotId: number): boolean;
  /** Does this diff directly follow a diff whose final id was `previousFinalId`? */
  follows(diff: DiffIds, previousFinalId: number): boolean;
}

/** Binance spot: first diff has `U <= lastUpdateId + 1 <= u`; then `U == previous u + 1`. */
export const binanceSpotRule: SequenceRule = {
  name: 'binance-spot',
  bridges: (diff, snapshotId) => diff.firstId <= snapshotId + 1 && diff.finalId >= snapshotId + 1,
  follows: (diff, previousFinalId) => diff.firstId === previousFinalId + 1,
};

/**
 * Binance USD-M futures: first diff has `U <= lastUpdateId <= u`, or, when the diff ending exactly
 * at lastUpdateId was already dropped as contained in the snapshot, `pu == lastUpdateId`; then
 * `pu == previous u`. (The ETHUSDT capture has exactly that case: its snapshot id is a diff's `u`.)
 */
export const binanceFuturesRule: SequenceRule = {
  name: 'binance-futures',
  bridges: (diff, snapshotId) => (diff.firstId <= snapshotId && diff.finalId >= snapshotId) || diff.prevFinalId === snapshotId,
  follows: (diff, previousFinalId) => diff.prevFinalId === previousFinalId,
};

/**
 * OKX books: the snapshot comes over the socket with its `seqId`; each update's `prevSeqId`
 * equals the previous message's `seqId` (an update with no change repeats the same seqId).
 */
export const okxRule: SequenceRule = {
  name: 'okx',
  bridges: (diff, snapshotId) => diff.prevFinalId === snapshotId,
  follows: (diff, previousFinalId) => diff.prevFinalId === previousFinalId,
};

/**
 * Binance, spot or futures decided per diff: futures diffs carry `pu` (prevFinalId >= 0), spot
 * diffs do not. Lets one replay path handle both capture kinds.
 */
export const binanceRule: SequenceRule = {
  name: 'binance',
  bridges: (diff, snapshotId) =>
    diff.prevFinalId >= 0 ? binanceFuturesRule.bridges(diff, snapshotId) : binanceSpotRule.bridges(diff, snapshotId),
  follows: (diff, previousFinalId) =>
    diff.prevFinalId >= 0 ? binanceFuturesRule.follows(diff, previousFinalId) : binanceSpotRule.follows(diff, previousFinalId),
};

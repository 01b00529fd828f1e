/**
 * Every command id the extension registers or runs, in one typed list. package.json's
 * `contributes.commands` holds exactly these (test/unit/commandIds.test.ts checks both ways);
 * there are no internal, uncontributed commands.
 */
import { INDICATOR_KINDS, type IndicatorKind } from '../../engine/indicators/indicatorCatalog';

export const COMMANDS = {
  openChart: 'orderscope.openChart',
  openDemo: 'orderscope.openDemo',
  switchSymbol: 'orderscope.switchSymbol',
  switchExchange: 'orderscope.switchExchange',
  switchTimeframe: 'orderscope.switchTimeframe',
  toggleDepth: 'orderscope.toggleDepth',
  toggleLadder: 'orderscope.toggleLadder',
  toggleTape: 'orderscope.toggleTape',
  toggleVolume: 'orderscope.toggleVolume',
  toggleHeatmap: 'orderscope.toggleHeatmap',
  toggleFootprint: 'orderscope.toggleFootprint',
  toggleProfile: 'orderscope.toggleProfile',
  togglePinnedFullRate: 'orderscope.togglePinnedFullRate',
  addToStatusBar: 'orderscope.addToStatusBar',
  removeFromStatusBar: 'orderscope.removeFromStatusBar',
  addPriceAlert: 'orderscope.addPriceAlert',
  removePriceAlert: 'orderscope.removePriceAlert',
  replayRecording: 'orderscope.replayRecording',
  replayTogglePause: 'orderscope.replay.togglePause',
  replaySpeed: 'orderscope.replay.speed',
  replayJumpToTime: 'orderscope.replay.jumpToTime',
  startRecording: 'orderscope.startRecording',
  stopRecording: 'orderscope.stopRecording',
  showLog: 'orderscope.showLog',
  watchlistAdd: 'orderscope.watchlist.add',
  watchlistRemove: 'orderscope.watchlist.remove',
  watchlistOpenChart: 'orderscope.watchlist.openChart',
} as const;

/** The command toggling an indicator on the active chart; one per kind of the indicator catalog. */
export type IndicatorToggleCommand = `orderscope.toggleIndicator.${IndicatorKind}`;
export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS] | IndicatorToggleCommand;

export function indicatorToggleCommand(kind: IndicatorKind): IndicatorToggleCommand {
  return `orderscope.toggleIndicator.${kind}`;
}

/** Every id, as package.json must contribute them. */
export const COMMAND_IDS: readonly CommandId[] = [...Object.values(COMMANDS), ...INDICATOR_KINDS.map(indicatorToggleCommand)];

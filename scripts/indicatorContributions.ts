/**
 * What package.json's `contributes` must say about the indicators, derived from the indicator
 * catalog (package.json cannot import it): the toggle commands, the `orderscope.indicators`
 * setting and the `orderscope.indicatorParameters` setting (all but its description).
 * test/unit/indicatorCatalog.test.ts fails when package.json differs; `npm run sync:package`
 * writes these sections.
 */
import { INDICATOR_CATALOG, INDICATOR_KINDS } from '../src/engine/indicators/indicatorCatalog';
import { indicatorToggleCommand } from '../src/extension/commands/commandIds';
import { DEFAULT_INDICATOR_PARAMETERS, DEFAULT_PANEL_INDICATORS, PARAMETER_SETTINGS } from '../src/extension/settings/indicatorParameters';

export const TOGGLE_PREFIX = 'orderscope.toggleIndicator.';

const kindsPlaced = (placement: 'overlay' | 'pane'): string =>
  INDICATOR_KINDS.filter((kind) => INDICATOR_CATALOG[kind].draw.placement === placement).join(', ');

export const TOGGLE_COMMANDS = INDICATOR_KINDS.map((kind) => ({
  command: indicatorToggleCommand(kind),
  title: `Toggle ${INDICATOR_CATALOG[kind].title}`,
  category: 'Orderscope',
}));

export const INDICATORS_SETTING = {
  type: 'array',
  default: [...DEFAULT_PANEL_INDICATORS],
  items: { type: 'string', enum: [...INDICATOR_KINDS] },
  uniqueItems: true,
  description: `Indicators shown on new charts: overlays (${kindsPlaced('overlay')}) and panes (${kindsPlaced('pane')}).`,
};

/** The `orderscope.indicatorParameters` schema without its (free) description. */
export const PARAMETERS_SETTING = {
  type: 'object',
  default: { ...DEFAULT_INDICATOR_PARAMETERS },
  additionalProperties: false,
  properties: Object.fromEntries(
    PARAMETER_SETTINGS.map(({ key, declaration: d }) => [key, { type: d.integer ? 'integer' : 'number', minimum: d.min, maximum: d.max }]),
  ),
};

export interface Manifest {
  contributes: {
    commands: { command: string }[];
    configuration: { properties: Record<string, Record<string, unknown>> };
  };
}

/**
 * `manifest` with the three sections replaced: the toggle commands where the first one stood (or
 * at the end), the settings in place keeping their descriptions. Mutates and returns `manifest`.
 */
export function syncIndicatorContributions<M extends Manifest>(manifest: M): M {
  const commands = manifest.contributes.commands;
  const first = commands.findIndex((c) => c.command.startsWith(TOGGLE_PREFIX));
  const kept = commands.filter((c) => !c.command.startsWith(TOGGLE_PREFIX));
  kept.splice(first < 0 ? kept.length : first, 0, ...TOGGLE_COMMANDS);
  manifest.contributes.commands = kept;
  const properties = manifest.contributes.configuration.properties;
  properties['orderscope.indicators'] = INDICATORS_SETTING;
  const description = properties['orderscope.indicatorParameters']?.description;
  properties['orderscope.indicatorParameters'] = { ...PARAMETERS_SETTING, ...(description === undefined ? {} : { description }) };
  return manifest;
}

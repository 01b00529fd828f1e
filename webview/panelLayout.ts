/**
 * The panel's layout follows its width (a ResizeObserver's reported size; nothing is read in a
 * draw): wide, the ladder above the tape in a column beside the chart; narrower ('compact'), the
 * column is narrower and shows the ladder or the tape, chosen by tabs; narrowest ('stacked'), the
 * tabbed column moves below the chart, which gets the whole width.
 */

/** Below this panel width the ladder and tape share one tabbed column. */
export const COMPACT_BELOW_PX = 1000;
/** Below this panel width the tabbed column goes below the chart. */
export const STACKED_BELOW_PX = 640;

export type SideTab = 'ladder' | 'tape';

export class PanelLayout {
  tab: SideTab = 'ladder';
  private readonly buttons: Record<SideTab, HTMLButtonElement>;

  constructor(
    doc: Document,
    private readonly panel: HTMLElement,
    private readonly side: HTMLElement,
  ) {
    const tabs = doc.createElement('div');
    tabs.className = 'side-tabs';
    tabs.setAttribute('role', 'tablist');
    const button = (tab: SideTab, label: string): HTMLButtonElement => {
      const b = doc.createElement('button');
      b.setAttribute('role', 'tab');
      b.dataset.tab = tab;
      b.textContent = label;
      b.addEventListener('click', () => this.show(tab));
      tabs.append(b);
      return b;
    };
    this.buttons = { ladder: button('ladder', 'Order book'), tape: button('tape', 'Trades') };
    side.prepend(tabs);
    this.show(this.tab);
    new ResizeObserver((entries) => this.fit(entries[0]!.contentRect.width)).observe(panel);
  }

  /** Shows the ladder or the tape in the tabbed column. */
  show(tab: SideTab): void {
    this.tab = tab;
    this.side.classList.toggle('tab-ladder', tab === 'ladder');
    this.side.classList.toggle('tab-tape', tab === 'tape');
    for (const [name, b] of Object.entries(this.buttons)) b.setAttribute('aria-selected', String(name === tab));
  }

  /** Which layout the panel has now (for the debug hook). */
  mode(): 'wide' | 'compact' | 'stacked' {
    return this.panel.classList.contains('stacked') ? 'stacked' : this.panel.classList.contains('compact') ? 'compact' : 'wide';
  }

  private fit(width: number): void {
    this.panel.classList.toggle('compact', width < COMPACT_BELOW_PX);
    this.panel.classList.toggle('stacked', width < STACKED_BELOW_PX);
  }
}

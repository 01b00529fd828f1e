/**
 * Keeps the toolbar on one row: whatever does not fit moves into a "⋯" menu, the least needed
 * first (given in that order), and comes back when there is room. Refitted when the toolbar or
 * one of its items changes size (a ResizeObserver: never inside a draw).
 */
export class ToolbarOverflow {
  readonly more: HTMLDetailsElement;
  private readonly menu: HTMLElement;
  /** Each movable item and the marker of its place in the bar. */
  private readonly items: { element: HTMLElement; home: Comment }[];

  constructor(
    doc: Document,
    private readonly bar: HTMLElement,
    /** The "⋯" goes before this element (the spacer). */
    before: Element,
    /** Items that may move into the menu, the first to move first. */
    movable: readonly HTMLElement[],
  ) {
    this.more = doc.createElement('details');
    this.more.className = 'more';
    const summary = doc.createElement('summary');
    summary.textContent = '⋯';
    summary.title = 'More controls';
    summary.setAttribute('aria-label', 'More controls');
    this.menu = doc.createElement('div');
    this.menu.className = 'menu';
    this.more.append(summary, this.menu);
    this.more.hidden = true;
    before.before(this.more);
    this.items = movable.map((element) => {
      const home = doc.createComment('');
      element.before(home);
      return { element, home };
    });
    doc.addEventListener('click', (e) => {
      if (this.more.open && !this.more.contains(e.target as Node)) this.more.open = false;
    });
    const observer = new ResizeObserver(() => this.fit());
    observer.observe(bar);
    for (const child of [...bar.children]) if (child !== this.more) observer.observe(child);
  }

  /** The classes of the items now in the menu (for the debug hook). */
  moved(): string[] {
    return [...this.menu.children].map((e) => e.className);
  }

  private fit(): void {
    for (const { element, home } of this.items) home.after(element);
    this.more.hidden = true;
    if (this.fits()) return;
    this.more.hidden = false;
    for (const { element } of this.items) {
      this.menu.append(element);
      if (this.fits()) return;
    }
  }

  private fits(): boolean {
    return this.bar.scrollWidth <= this.bar.clientWidth;
  }
}

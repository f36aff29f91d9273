import * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** Grafana's grid is 24 columns wide. */
const GRID_COLUMNS = 24;

/** Any Foundation SDK panel builder: it knows its size and accepts a position, an id and a description. */
export interface PlaceablePanel extends cog.Builder<dashboard.Panel> {
  gridPos(gridPos: dashboard.GridPos): this;
  id(id: number): this;
  description(description: string): this;
}

/** A titled row of panels; the first section may leave out the title to sit above every row. */
export interface Section {
  readonly title?: string;
  readonly panels: readonly PlaceablePanel[];
}

export function section(title: string, panels: readonly PlaceablePanel[]): Section {
  return { title, panels };
}

/**
 * Places every panel explicitly: left to right in each section, wrapping at 24
 * columns, and numbers panels 1… in reading order. The SDK's own auto-layout
 * lets a panel overflow the grid, and explicit ids keep the JSON deterministic.
 */
export function layoutSections(builder: dashboard.DashboardBuilder, sections: readonly Section[]): dashboard.DashboardBuilder {
  let y = 0;
  let nextId = 1;
  for (const { title, panels } of sections) {
    if (title !== undefined) {
      builder.withRow(new dashboard.RowBuilder(title).id(nextId++).gridPos({ x: 0, y, w: GRID_COLUMNS, h: 1 }));
      y += 1;
    }
    let x = 0;
    let lineHeight = 0;
    for (const panel of panels) {
      const { w, h } = panel.build().gridPos ?? dashboard.defaultGridPos();
      if (x + w > GRID_COLUMNS) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      builder.withPanel(panel.gridPos({ x, y, w, h }).id(nextId++));
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  return builder;
}

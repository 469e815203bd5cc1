// The tray icon, its tooltip and its menu, kept in step with the engine. Snapshots arrive several
// times a second while uploading; only what changed is handed to the OS, so an open menu does not
// flicker and the icon is not reloaded for nothing.
import { join } from 'node:path';
import type { SnapshotData } from '../src/protocol/schema.ts';
import type { EngineStatus } from './engine-supervisor.ts';
import {
  type IconVariant,
  type TrayAction,
  type TrayItem,
  type TrayModel,
  trayIconFile,
  trayModel,
} from './tray-model.ts';

export interface MenuItemTemplate {
  label?: string;
  type?: 'separator';
  enabled?: boolean;
  click?: () => void;
}

/** The parts of Electron's Tray this uses. */
export interface TrayLike<Image, Menu> {
  setImage(image: Image): void;
  setToolTip(text: string): void;
  setContextMenu(menu: Menu): void;
  on(event: 'click', listener: () => void): unknown;
}

export interface TrayOptions<Image, Menu> {
  createTray(image: Image): TrayLike<Image, Menu>;
  image(path: string): Image;
  buildMenu(template: MenuItemTemplate[]): Menu;
  /** The folder holding the built tray icons. */
  iconDir: string;
  variant(): IconVariant;
  actions: Record<TrayAction, () => void>;
  /** Whether a left click opens the window (Windows, Linux); macOS shows the menu instead. */
  clickOpens: boolean;
}

export interface TrayHandle {
  update(engine: EngineStatus, snapshot: SnapshotData | null): void;
  /** The bar's appearance changed: draw the icon again in the matching variant. */
  refreshTheme(): void;
}

export function menuTemplate(items: TrayItem[], actions: Record<TrayAction, () => void>): MenuItemTemplate[] {
  return items.map((item) => {
    if (item.kind === 'separator') return { type: 'separator' };
    if (item.kind === 'status') return { label: item.label, enabled: false };
    return { label: item.label, enabled: item.enabled, click: actions[item.action] };
  });
}

export function setupTray<Image, Menu>(options: TrayOptions<Image, Menu>): TrayHandle {
  let model: TrayModel = trayModel({ kind: 'starting' }, null);
  const pathFor = (m: TrayModel) => join(options.iconDir, trayIconFile(m.icon, options.variant()));
  let iconPath = pathFor(model);
  let tooltip = '';
  let menuKey = '';
  const tray = options.createTray(options.image(iconPath));
  if (options.clickOpens) tray.on('click', options.actions.open);

  const show = () => {
    const path = pathFor(model);
    if (path !== iconPath) {
      iconPath = path;
      tray.setImage(options.image(path));
    }
    if (model.tooltip !== tooltip) {
      tooltip = model.tooltip;
      tray.setToolTip(tooltip);
    }
    const key = JSON.stringify(model.items);
    if (key !== menuKey) {
      menuKey = key;
      tray.setContextMenu(options.buildMenu(menuTemplate(model.items, options.actions)));
    }
  };
  show();
  return {
    update: (engine, snapshot) => {
      model = trayModel(engine, snapshot);
      show();
    },
    refreshTheme: () => {
      iconPath = '';
      show();
    },
  };
}

// The settings the window shows and changes, as a slice of settings.json; and what they mean
// for every connected folder's media settings.
import { parseSettings, type Settings } from '../config/settings.ts';
import type { MediaSettings } from '../library/media.ts';
import type { AppSettingsData } from '../protocol/schema.ts';

export function appSettingsOf(s: Settings): AppSettingsData {
  return {
    bandwidthLimit: s.bandwidthLimit,
    parallelUploads: s.parallelUploads,
    schedule: { ...s.schedule },
    fileTypes: { ...s.fileTypes },
    ignorePatterns: [...s.ignorePatterns],
    startAtLogin: s.startAtLogin,
    pauseOnBattery: s.pauseOnBattery,
  };
}

/** `s` with `change` applied, checked as settings.json is (throws an error naming the field). */
export function changeSettings(s: Settings, change: Partial<AppSettingsData>): Settings {
  return parseSettings('settings', { ...s, ...change });
}

/** What every connected folder backs up under these settings. */
export function folderMedia(s: Settings): Pick<MediaSettings, 'photos' | 'videos' | 'raw' | 'ignore'> {
  return { ...s.fileTypes, ignore: [...s.ignorePatterns] };
}

export function mediaChanged(a: Settings, b: Settings): boolean {
  return JSON.stringify(folderMedia(a)) !== JSON.stringify(folderMedia(b));
}

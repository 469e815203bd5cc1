// Where the built renderer is: dist/renderer/ of this package (`npm run build:renderer`), or
// SAFELIGHT_UI_DIR when set (a build kept elsewhere, and the tests).
import { fileURLToPath } from 'node:url';

export function rendererDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SAFELIGHT_UI_DIR || fileURLToPath(new URL('../../dist/renderer/', import.meta.url));
}

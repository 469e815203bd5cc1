// The only links Safelight opens in the browser: https pages on smugmug.com (sign-in, galleries,
// images). Anything else a page asks to open, a file: path or another site, is refused.

const SMUGMUG = 'smugmug.com';

export function isAllowedExternalUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.port !== '')
    return false;
  const host = url.hostname.toLowerCase();
  return host === SMUGMUG || host.endsWith(`.${SMUGMUG}`);
}

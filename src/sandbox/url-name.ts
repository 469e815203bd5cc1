// How the service checks and generates UrlNames (API-NOTES §5.1). The client has its own
// rules in plan/; this file must stay independent of them.

export const URL_NAME_PATTERN = /^[A-Z0-9][A-Za-z0-9-]{0,59}$/;

/** The server's own UrlName for a Name: words joined by hyphens, first letter upper-cased. */
export function generateUrlName(name: string): string {
  const words =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .match(/[A-Za-z0-9]+/g) ?? [];
  let joined = words.join('-');
  if (joined === '') joined = 'Untitled';
  joined = joined.charAt(0).toUpperCase() + joined.slice(1);
  if (joined.length > 60) {
    const cut = joined.slice(0, 60);
    const lastHyphen = cut.lastIndexOf('-');
    joined = lastHyphen > 0 ? cut.slice(0, lastHyphen) : cut;
  }
  return joined;
}

export function withSuffix(urlName: string, n: number): string {
  const suffix = `-${n}`;
  return urlName.slice(0, 60 - suffix.length) + suffix;
}

// Headers on every response the daemon sends, refusals included. The page may run only its own
// scripts and styles, show its own images and data: thumbnails, talk only to its own WebSocket,
// and may not be framed, sniffed into another type, or leak its URL (and so the token) as a Referer.

/** `host` is the validated Host the request came to; without it the page may connect nowhere. */
export function securityHeaders(host?: string): Record<string, string> {
  const connect = host ? `'self' ws://${host}` : "'none'";
  return {
    'Content-Security-Policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "manifest-src 'self'",
      `connect-src ${connect}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

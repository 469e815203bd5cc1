// What a person does in the browser during SmugMug's PIN flow, against the sandbox: open the
// authorize page, press Authorize, read the six-digit code it shows.
import assert from 'node:assert/strict';

export async function authorizeInBrowser(oauthBaseUrl: string, authorizeUrl: string): Promise<string> {
  const page = await fetch(authorizeUrl);
  assert.equal(page.status, 200);
  const html = await page.text();
  const fields = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(
    (m) => [m[1], m[2]] as [string, string],
  );
  const done = await fetch(`${oauthBaseUrl}/authorize`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  const code = /id="verifier" class="code">(\d{6})</.exec(await done.text())?.[1];
  assert.ok(code, 'the page shows a six-digit code');
  return code;
}

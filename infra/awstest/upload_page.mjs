// Drives Debian's Chromium through the upload page of a web instance of the AWS shape, with
// JavaScript: sign in, choose several files, let the page's script send them straight to
// the S3 stand-in (one <progress> each), confirm them with titles; then the first file
// again without JavaScript; and check both pages with axe-core for WCAG 2.1 AA. Run by TestUploadPageScript (browser_test.go), which
// reads the JSON printed last.
//
// Environment: WEB_URL, EMAIL, PASSWORD, SLUG, FILES (JSON list of paths), TITLES (JSON
// list), PLAIN_TITLE (of the first file again, sent without JavaScript), CHROMIUM, E2E_MODULES (infra/e2e/node_modules, where playwright-core and
// axe-core are installed).

import { createRequire } from 'node:module';
import { join } from 'node:path';

const env = process.env;
const require = createRequire(join(env.E2E_MODULES, 'playwright-core', 'package.json'));
const { chromium } = require('playwright-core');
const axePath = require.resolve('axe-core/axe.min.js', { paths: [env.E2E_MODULES] });
const files = JSON.parse(env.FILES);
const titles = JSON.parse(env.TITLES);
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function axe(page) {
  await page.addScriptTag({ path: axePath });
  const res = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), WCAG_TAGS);
  return res.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const out = { violations: [], progress: [], confirmURL: '', finalURL: '', plainURL: '', errors: [] };
const browser = await chromium.launch({
  executablePath: env.CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  // The upload runs with the site's Content-Security-Policy in force: it must let the
  // page post to the bucket. axe-core, injected as an inline script, runs in a second
  // context that bypasses the policy.
  const context = await browser.newContext({ locale: 'de-DE' });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  page.on('pageerror', (e) => out.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') out.errors.push(m.text()); });
  // Record the progress bars (the page navigates on when all files are up).
  await page.addInitScript(() => {
    new MutationObserver(() => {
      const bars = Array.from(document.querySelectorAll('.upload-progress progress'));
      if (bars.length === 0) return;
      sessionStorage.setItem('progress', JSON.stringify(bars.map((b) => ({ label: b.labels[0] ? b.labels[0].textContent.trim() : '', value: b.value, max: b.max }))));
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
  });

  await page.goto(env.WEB_URL + '/anmelden');
  await page.fill('#f-email', env.EMAIL);
  await page.fill('#f-password', env.PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/anmelden')), page.click('form[action="/anmelden"] button[type=submit]')]);

  const uploadURL = env.WEB_URL + '/eintraege/' + env.SLUG + '/dateien/hochladen';
  await page.goto(uploadURL);
  if (!(await page.$eval('#f-file', (i) => i.multiple))) out.errors.push('the script did not allow several files');
  await page.setInputFiles('#f-file', files);
  await Promise.all([
    page.waitForURL(/\/dateien\/bestaetigen\?/, { timeout: 120_000 }),
    page.click('form.direct-upload button[type=submit]'),
  ]);
  out.confirmURL = page.url();
  out.progress = JSON.parse((await page.evaluate(() => sessionStorage.getItem('progress'))) || '[]');
  for (let i = 0; i < titles.length; i++) await page.fill('#f-title-' + i, titles[i]);
  await Promise.all([page.waitForURL(/gespeichert=1/), page.click('form[action$="/dateien/bestaetigen"] button[type=submit]')]);
  out.finalURL = page.url();

  // Without JavaScript: the form itself goes to the bucket, which sends the browser on
  // to the confirmation page (one file).
  const plain = await browser.newContext({ locale: 'de-DE', javaScriptEnabled: false, storageState: await context.storageState() });
  const plainPage = await plain.newPage();
  plainPage.setDefaultTimeout(60_000);
  await plainPage.goto(uploadURL);
  await plainPage.setInputFiles('#f-file', files[0]);
  await Promise.all([plainPage.waitForURL(/\/dateien\/bestaetigen\?/), plainPage.click('form.direct-upload button[type=submit]')]);
  await plainPage.fill('#f-title-0', env.PLAIN_TITLE);
  await Promise.all([plainPage.waitForURL(/gespeichert=1/), plainPage.click('form[action$="/dateien/bestaetigen"] button[type=submit]')]);
  out.plainURL = plainPage.url();

  const checked = await browser.newContext({ locale: 'de-DE', bypassCSP: true, storageState: await context.storageState() });
  const axePage = await checked.newPage();
  for (const [what, u] of [['upload page', uploadURL], ['confirmation page', out.confirmURL]]) {
    await axePage.goto(u);
    out.violations.push(...(await axe(axePage)).map((v) => what + ': ' + v));
  }
} catch (e) {
  out.errors.push(String(e));
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));

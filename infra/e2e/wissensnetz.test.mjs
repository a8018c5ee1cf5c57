// Browser tests for Wissensnetz: the local server with its demo content and a first
// coordinator, driven through Debian's Chromium as the coordination office and a municipal
// clerk would use it, checked with axe-core for WCAG 2.1 AA.
//
// Run: `node --test` in this folder (infra/test.sh does it after `npm ci`).
// Environment: WISSENSNETZ_CHROMIUM overrides the browser path (default /usr/bin/chromium).
// Without Chromium the tests are skipped locally and fail when CI=true.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const chromiumPath = process.env.WISSENSNETZ_CHROMIUM || '/usr/bin/chromium';
const inCI = process.env.CI === 'true';
const axePath = require.resolve('axe-core/axe.min.js');

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run',
];
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const STEP_TIMEOUT_MS = 15_000; // one click, fill or navigation
const TEST_TIMEOUT_MS = 90_000; // one test
const BUILD_TIMEOUT_MS = 300_000;
const READY_TIMEOUT_MS = 90_000; // first start loads demo content and builds the index

// Words that appear nowhere else, so search results and history are unambiguous.
const marker = `Zisternenpegel${Math.floor(100000 + Math.random() * 900000)}`;
const flowMarker = `Ampelfunk${Math.floor(100000 + Math.random() * 900000)}`;

// The first coordinator, created by the server on its first start.
const COORDINATOR = { email: 'koordination@beispiel.de', password: 'Koordination-im-Test-2024' };
// The member the coordinator invites.
const MEMBER = { name: 'Mara Mitglied', email: `mara.${Date.now()}@kaiserslautern.de`, password: 'Mara-sagt-Hallo-2024' };

const chromiumMissing = !existsSync(chromiumPath);
const skip = chromiumMissing && !inCI
  ? `Chromium fehlt (${chromiumPath}); infra/test.sh installiert es (apt-get install chromium)`
  : false;

const execFileP = promisify(execFile);

const opts = { timeout: TEST_TIMEOUT_MS, skip }; // every test

let workDir; // temp dir: binary and data
let server; // child process
let serverLog = '';
let origin; // http://127.0.0.1:PORT
let browser;
let coordinatorState; // cookies of the signed-in coordinator, for new browser contexts
const requests = []; // every URL any page asked for
const axeReport = []; // [what, violations, passes]

describe('Wissensnetz im Browser', { timeout: BUILD_TIMEOUT_MS + 20 * TEST_TIMEOUT_MS }, () => {
  before(async () => {
    if (skip) return;
    if (chromiumMissing) {
      throw new Error(`Chromium fehlt (${chromiumPath}); in CI muss der Browsertest laufen`);
    }
    const { chromium } = await import('playwright-core');
    workDir = await mkdtemp(join(tmpdir(), 'wissensnetz-e2e-'));
    const bin = join(workDir, 'wissensnetz');
    await execFileP('go', ['build', '-o', bin, './functions/web'], { cwd: repoRoot, timeout: BUILD_TIMEOUT_MS });

    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    server = spawn(bin, [], {
      cwd: workDir,
      env: {
        ...process.env,
        WISSENSNETZ_ADDR: `127.0.0.1:${port}`,
        WISSENSNETZ_DATA_DIR: join(workDir, 'data'),
        WISSENSNETZ_BOOTSTRAP_ADMIN_EMAIL: COORDINATOR.email,
        WISSENSNETZ_BOOTSTRAP_ADMIN_PASSWORD: COORDINATOR.password,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk) => { serverLog = (serverLog + chunk).slice(-20_000); };
    server.stdout.on('data', keep);
    server.stderr.on('data', keep);
    await waitHealthy(`${origin}/healthz`, READY_TIMEOUT_MS);

    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, timeout: 30_000 });
    const context = await browser.newContext({ locale: 'de-DE' });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    try {
      await signIn(await context.newPage(), COORDINATOR);
      coordinatorState = await context.storageState();
    } finally {
      await context.close();
    }
  }, { timeout: BUILD_TIMEOUT_MS + READY_TIMEOUT_MS + 60_000 });

  after(async () => {
    if (browser) await browser.close().catch(() => {});
    await stopServer();
    if (workDir) await rm(workDir, { recursive: true, force: true }).catch(() => {});
    if (axeReport.length) {
      console.log('axe-core (WCAG 2.0/2.1 A+AA):');
      for (const [what, violations, passes] of axeReport) {
        console.log(`  ${what}: ${violations} Verstöße, ${passes} Regeln bestanden`);
      }
    }
  });

  // Contexts of the signed-in coordinator.
  const asCoordinator = (options = {}) => ({ storageState: coordinatorState, ...options });

  let entryURL; // the entry created by the coordinator, e.g. /eintraege/zisternenpegel…

  test('Startseite zeigt die Demo-Einträge und Themen', opts, async () => {
    await withPage({}, async (page) => {
      const resp = await page.goto(`${origin}/`);
      assert.equal(resp.status(), 200);
      assert.equal(await page.locator('html').getAttribute('lang'), 'de');
      const newest = page.getByRole('region', { name: 'Neueste Einträge' });
      await newest.getByRole('heading', { name: 'Neueste Einträge' }).waitFor();
      const hits = await newest.locator('li').count();
      assert.ok(hits >= 3, `erwartet mindestens 3 Demo-Einträge, gefunden ${hits}`);
      const topics = page.getByRole('region', { name: 'Themen' });
      await topics.getByRole('link', { name: 'Sensornetzwerke & IoT' }).waitFor();
      assert.ok(await topics.getByRole('link').count() >= 10, 'Themenliste zu kurz');
      // The skip link leads to the main content.
      assert.equal(await page.getByRole('link', { name: 'Zum Inhalt springen' }).getAttribute('href'), '#inhalt');
      await checkA11y(page, 'Startseite');
    });
  });

  test('Anmelden: falsches Passwort, dann richtig', opts, async () => {
    await withPage({}, async (page) => {
      // Visitors who open the form for a new entry are asked to sign in first.
      await page.goto(`${origin}/eintraege/neu`);
      assert.equal(new URL(page.url()).pathname, '/anmelden');
      await page.getByRole('heading', { level: 1, name: 'Anmelden' }).waitFor();
      await checkA11y(page, 'Anmeldung');
      await page.getByLabel('E-Mail-Adresse').fill(COORDINATOR.email);
      await page.getByLabel('Passwort', { exact: true }).fill('das-ist-falsch-123');
      const bad = await submit(page, 'Anmelden');
      assert.equal(bad.status(), 401);
      await page.getByRole('alert').filter({ hasText: 'E-Mail-Adresse oder Passwort ist falsch.' }).waitFor();
      await checkA11y(page, 'Anmeldung mit Fehlermeldung');
      await page.getByLabel('Passwort', { exact: true }).fill(COORDINATOR.password);
      const ok = await submit(page, 'Anmelden');
      assert.equal(ok.status(), 200);
      // Back where the visitor wanted to go.
      assert.equal(new URL(page.url()).pathname, '/eintraege/neu');
      await page.getByRole('link', { name: 'Koordination', exact: true }).waitFor();
    });
  });

  test('Neuer Eintrag: Fehlermeldung am Feld, dann speichern', opts, async () => {
    await withPage(asCoordinator(), async (page) => {
      await page.goto(`${origin}/eintraege/neu`);
      await page.getByRole('heading', { level: 1, name: 'Neuer Eintrag' }).waitFor();
      await checkA11y(page, 'Formular „Neuer Eintrag“');

      const title = `${marker}: Füllstände der Regenwasserzisternen melden`;
      const summary = `Sensoren melden den ${marker} der städtischen Zisternen per LoRaWAN.`;
      await fillEntryForm(page, { title: '', summary });
      const bad = await submit(page, 'Speichern und zur Prüfung einreichen');
      assert.ok(bad.status() >= 400 && bad.status() < 500, `Status bei fehlendem Titel: ${bad.status()}`);
      await page.getByText('Titel fehlt.').first().waitFor();
      // The field says what is wrong, and everything else the clerk typed is still there.
      const titleField = page.getByLabel(/^Titel/);
      assert.equal(await titleField.getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByLabel('Kurzbeschreibung').inputValue(), summary);
      assert.match(await page.getByLabel(/^Beschreibung/).inputValue(), new RegExp(marker));
      assert.equal(await selectedLabel(page.getByLabel('Art des Eintrags')), 'Lösung');
      assert.equal(await selectedLabel(page.getByLabel(/^Kommune/)), 'Kaiserslautern');
      assert.equal(await selectedLabel(page.getByLabel('Projektstatus')), 'laufend');
      assert.ok(await topicsGroup(page).getByLabel('Sensornetzwerke & IoT', { exact: true }).isChecked());
      await checkA11y(page, 'Formular mit Fehlermeldungen');

      await titleField.fill(title);
      const ok = await submit(page, 'Speichern und zur Prüfung einreichen');
      assert.equal(ok.status(), 200);
      const url = new URL(page.url());
      assert.match(url.pathname, /^\/eintraege\/[a-z0-9-]+$/, `Adresse nach dem Speichern: ${page.url()}`);
      assert.ok(url.pathname.includes(marker.toLowerCase()), `Kurzadresse ohne Titelwort: ${url.pathname}`);
      assert.equal((await page.getByRole('heading', { level: 1 }).innerText()).trim(), title);
      await page.getByRole('status').filter({ hasText: 'Gespeichert.' }).waitFor();
      await page.getByText('Eingereicht: die Koordination prüft diesen Eintrag.').waitFor();
      entryURL = url.pathname;
      await checkA11y(page, 'Eintragsseite');
    });
  });

  test('Bearbeiten, Versionen und Vergleich', opts, async () => {
    assert.ok(entryURL, 'kein Eintrag angelegt');
    await withPage(asCoordinator(), async (page) => {
      await page.goto(origin + entryURL);
      await page.getByRole('link', { name: 'Bearbeiten' }).click();
      await page.getByRole('heading', { level: 1, name: 'Eintrag bearbeiten' }).waitFor();
      const newSummary = `Geänderte Kurzbeschreibung: ${marker} jetzt in allen Stadtteilen.`;
      await page.getByLabel('Kurzbeschreibung').fill(newSummary);
      await page.getByLabel('Was haben Sie geändert?').fill('Kurzbeschreibung ergänzt');
      const resp = await submit(page, 'Speichern');
      assert.equal(resp.status(), 200);
      await page.getByRole('status').filter({ hasText: 'Gespeichert.' }).waitFor();
      assert.equal(new URL(page.url()).pathname, entryURL);

      await page.getByRole('link', { name: /^Versionen/ }).click();
      await page.waitForURL(`**${entryURL}/versionen`);
      const rows = page.locator('table tbody tr');
      assert.equal(await rows.count(), 2, 'die Versionsgeschichte zeigt 2 Versionen');
      await page.getByRole('cell', { name: 'Kurzbeschreibung ergänzt' }).waitFor();
      await checkA11y(page, 'Versionsgeschichte');

      await submit(page, 'Ausgewählte Versionen vergleichen');
      await page.waitForURL(`**${entryURL}/vergleich*`);
      await page.getByRole('heading', { level: 1, name: /Unterschiede zwischen Version 1 und 2/ }).waitFor();
      await page.getByText(newSummary, { exact: false }).first().waitFor();
      await checkA11y(page, 'Versionsvergleich');
    });
  });

  test('Suche findet den veröffentlichten Eintrag und markiert das Suchwort', opts, async () => {
    assert.ok(entryURL, 'kein Eintrag angelegt');
    await withPage(asCoordinator(), async (page) => {
      // Search lists published entries only: the coordinator publishes it first.
      await page.goto(origin + entryURL);
      assert.equal((await submit(page, 'Veröffentlichen')).status(), 200);
      await page.getByRole('status').filter({ hasText: 'Gespeichert.' }).waitFor();

      const header = page.locator('header.site-header');
      // The index is updated from the change feed: allow it a moment.
      const hit = page.locator(`.hits a[href="${entryURL}"]`);
      await eventually(async () => {
        await header.getByLabel('Suche im Wissensnetz').fill(marker);
        await Promise.all([page.waitForURL('**/suche?*'), header.getByRole('button', { name: 'Suchen' }).click()]);
        return (await hit.count()) > 0;
      }, 10_000, `Suchergebnis für ${marker}`);
      assert.equal(new URL(page.url()).searchParams.get('q'), marker);
      const marks = await page.locator('.hits mark').allInnerTexts();
      assert.ok(marks.some((m) => m.toLowerCase().includes(marker.toLowerCase())),
        `<mark> mit ${marker} erwartet, gefunden: ${JSON.stringify(marks)}`);
      await checkA11y(page, 'Suchergebnisse');
    });
  });

  test('Gleichzeitige Bearbeitung führt zur Konfliktseite mit der eigenen Eingabe', opts, async () => {
    assert.ok(entryURL, 'kein Eintrag angelegt');
    await withPage(asCoordinator(), async (first, context) => {
      const second = await context.newPage();
      await first.goto(`${origin}${entryURL}/bearbeiten`);
      await second.goto(`${origin}${entryURL}/bearbeiten`);

      await first.getByLabel('Kurzbeschreibung').fill(`Fassung der ersten Bearbeiterin zu ${marker}.`);
      assert.equal((await submit(first, 'Speichern')).status(), 200);

      const mine = `Fassung des zweiten Bearbeiters zu ${marker}.`;
      await second.getByLabel('Kurzbeschreibung').fill(mine);
      await second.getByLabel('Was haben Sie geändert?').fill('parallel geändert');
      const resp = await submit(second, 'Speichern');
      assert.equal(resp.status(), 409);
      await second.getByRole('heading', { level: 1, name: 'Bearbeitungskonflikt' }).waitFor();
      assert.equal(await second.getByLabel('Kurzbeschreibung').inputValue(), mine);
      assert.equal(await second.getByLabel('Was haben Sie geändert?').inputValue(), 'parallel geändert');
      await checkA11y(second, 'Konfliktseite');

      // Saving again on purpose now goes through.
      assert.equal((await submit(second, 'Speichern')).status(), 200);
      assert.equal((await second.locator('main .lead').innerText()).trim(), mine);
    });
  });

  test('Ohne JavaScript: Eintrag anlegen', opts, async () => {
    await withPage(asCoordinator({ javaScriptEnabled: false }), async (page) => {
      await page.goto(`${origin}/eintraege/neu`);
      const title = `${marker} ohne Skript: Pegelmessung am Rathausbrunnen`;
      await fillEntryForm(page, { title, summary: 'Angelegt in einem Browser ohne JavaScript.' });
      assert.equal((await submit(page, 'Als Entwurf speichern')).status(), 200);
      assert.match(new URL(page.url()).pathname, /^\/eintraege\/[a-z0-9-]+$/);
      assert.equal((await page.getByRole('heading', { level: 1 }).innerText()).trim(), title);
      await page.getByText('Gespeichert.').waitFor();
    });
  });

  // Files of entries: the corpus of shared/extract.
  const corpus = (name) => join(repoRoot, 'shared', 'extract', 'testdata', name);
  let filesURL; // the coordinator's internal entry with a PDF and a DOCX

  test('Dateien hochladen mit JavaScript: Fortschritt je Datei, dann die Eintragsseite', opts, async () => {
    await withPage(asCoordinator(), async (page) => {
      await page.goto(`${origin}/eintraege/neu`);
      const title = `${marker} mit Dateien: Zisternen-Abschlussbericht`;
      await fillEntryForm(page, { title, summary: 'Mit Bericht und Leitfaden als Dateien.' });
      const files = page.getByRole('group', { name: 'Dateien' });
      const first = files.getByRole('group', { name: 'Neue Datei 1' });
      await first.getByLabel('Datei', { exact: true }).setInputFiles(corpus('bericht.pdf'));
      await first.getByLabel('Dateititel', { exact: true }).fill('Abschlussbericht Zisternen');
      await first.getByLabel(/^Dateibeschreibung/).fill('Zwei Seiten, mit Messwerten.');
      await files.getByRole('group', { name: 'Neue Datei 2' }).getByLabel('Datei', { exact: true }).setInputFiles(corpus('leitfaden.docx'));

      // The upload is held until the progress is checked.
      let release;
      const gate = new Promise((r) => { release = r; });
      await page.route('**/eintraege', async (route) => {
        if (route.request().method() === 'POST') await gate;
        await route.continue();
      });
      const sent = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/eintraege');
      await page.getByRole('button', { name: 'Speichern und zur Prüfung einreichen', exact: true }).click();
      const req = await sent;
      assert.equal(req.resourceType(), 'xhr', 'das Formular mit Dateien geht mit JavaScript per XMLHttpRequest');
      assert.match(req.headers()['content-type'] || '', /^multipart\/form-data/);
      const bars = page.locator('.upload-progress progress');
      assert.equal(await bars.count(), 2, 'ein Fortschrittsbalken je Datei');
      await page.getByRole('progressbar', { name: 'Hochladen: bericht.pdf' }).waitFor();
      await page.getByRole('progressbar', { name: 'Hochladen: leitfaden.docx' }).waitFor();
      assert.equal(await page.locator('.upload-progress [role="status"]').count(), 1);
      await checkA11y(page, 'Formular beim Hochladen');
      await Promise.all([page.waitForURL(/\/eintraege\/[a-z0-9-]+\?gespeichert=1$/), release()]);
      await page.unrouteAll({ behavior: 'ignoreErrors' });

      assert.equal((await page.getByRole('heading', { level: 1 }).innerText()).trim(), title);
      // The button pressed was sent along: the entry is submitted, not a draft.
      await page.getByText('Eingereicht: die Koordination prüft diesen Eintrag.').waitFor();
      const list = page.getByRole('region', { name: 'Dateien' });
      await list.getByRole('link', { name: 'Abschlussbericht Zisternen' }).waitFor();
      await list.getByRole('link', { name: 'leitfaden.docx' }).waitFor();
      await list.getByText(/\(PDF, [0-9,]+ KB\)/).waitFor();
      await list.getByText(/\(DOCX, [0-9,]+ KB\)/).waitFor();
      await list.getByText('Zwei Seiten, mit Messwerten.').waitFor();
      filesURL = new URL(page.url()).pathname;
      await checkA11y(page, 'Eintragsseite mit Dateien');

      // Editing lists the files with their titles and a box to take each off.
      await page.getByRole('link', { name: 'Bearbeiten' }).click();
      const row = page.getByRole('group', { name: /^bericht\.pdf/ });
      assert.equal(await row.getByLabel('Dateititel', { exact: true }).inputValue(), 'Abschlussbericht Zisternen');
      await row.getByLabel('Datei entfernen').waitFor();
      await checkA11y(page, 'Formular „Eintrag bearbeiten“ mit Dateien');
    });
  });

  test('Mit JavaScript: eine abgewiesene Datei bringt das Formular mit der Meldung zurück', opts, async () => {
    await withPage(asCoordinator(), async (page) => {
      await page.goto(`${origin}/eintraege/neu`);
      const title = `${marker} mit abgewiesener Datei`;
      await fillEntryForm(page, { title, summary: 'Ein ZIP-Archiv unter dem Namen eines PDF.' });
      const row = page.getByRole('group', { name: 'Neue Datei 1' });
      await row.getByLabel('Datei', { exact: true }).setInputFiles({ name: 'bericht.pdf', mimeType: 'application/pdf', buffer: await readFile(corpus('archiv.docx')) });
      await row.getByLabel('Dateititel', { exact: true }).fill('Kein PDF');
      const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/eintraege');
      await page.getByRole('button', { name: 'Als Entwurf speichern', exact: true }).click();
      assert.equal((await answered).status(), 400);
      // The server's form replaced the page's main content; the page itself stayed.
      const summary = page.getByRole('alert').filter({ hasText: '„bericht.pdf“ wurde nicht angenommen' });
      await summary.waitFor();
      assert.equal(new URL(page.url()).pathname, '/eintraege/neu');
      assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'fehler');
      await page.getByText('Bitte wählen Sie sie noch einmal aus: bericht.pdf').first().waitFor();
      assert.equal(await page.getByLabel(/^Titel/).inputValue(), title);
      assert.equal(await page.getByRole('group', { name: 'Neue Datei 1' }).getByLabel('Dateititel', { exact: true }).inputValue(), 'Kein PDF');
      await page.locator('form[data-upload][data-upload-ready]').waitFor(); // enhanced again
      await checkA11y(page, 'Formular mit abgewiesener Datei (JavaScript)');

      // Chosen again, the right file goes through.
      await page.getByRole('group', { name: 'Neue Datei 1' }).getByLabel('Datei', { exact: true }).setInputFiles(corpus('bericht.pdf'));
      await Promise.all([page.waitForURL(/\/eintraege\/[a-z0-9-]+\?gespeichert=1$/),
        page.getByRole('button', { name: 'Als Entwurf speichern', exact: true }).click()]);
      await page.getByRole('region', { name: 'Dateien' }).getByRole('link', { name: 'Kein PDF' }).waitFor();
    });
  });

  test('Dateien hochladen ohne JavaScript', opts, async () => {
    await withPage(asCoordinator({ javaScriptEnabled: false }), async (page) => {
      await page.goto(`${origin}/eintraege/neu`);
      const title = `${marker} ohne Skript mit Dateien`;
      await fillEntryForm(page, { title, summary: 'Dateien aus einem Browser ohne JavaScript.' });
      await page.getByRole('group', { name: 'Neue Datei 1' }).getByLabel('Datei', { exact: true }).setInputFiles(corpus('leitfaden.docx'));
      await page.getByRole('group', { name: 'Neue Datei 2' }).getByLabel('Datei', { exact: true }).setInputFiles(corpus('bericht.pdf'));
      await page.getByRole('group', { name: 'Neue Datei 2' }).getByLabel('Dateititel', { exact: true }).fill('Bericht ohne Skript');
      assert.equal((await submit(page, 'Als Entwurf speichern')).status(), 200);
      assert.equal((await page.getByRole('heading', { level: 1 }).innerText()).trim(), title);
      const list = page.getByRole('region', { name: 'Dateien' });
      await list.getByRole('link', { name: 'leitfaden.docx' }).waitFor();
      await list.getByRole('link', { name: 'Bericht ohne Skript' }).waitFor();

      // A refused file: the form comes back with everything typed and asks for the files again.
      await page.goto(`${origin}/eintraege/neu`);
      await fillEntryForm(page, { title: `${marker} mit falscher Datei`, summary: 'Ein ZIP-Archiv unter falschem Namen.' });
      const row = page.getByRole('group', { name: 'Neue Datei 1' });
      await row.getByLabel('Datei', { exact: true }).setInputFiles({ name: 'bericht.pdf', mimeType: 'application/pdf', buffer: await readFile(corpus('archiv.docx')) });
      await row.getByLabel('Dateititel', { exact: true }).fill('Kein PDF');
      const bad = await submit(page, 'Als Entwurf speichern');
      assert.equal(bad.status(), 400);
      await page.getByRole('alert').getByText(/„bericht\.pdf“ wurde nicht angenommen: Ein ZIP-Archiv/).first().waitFor();
      await page.getByText('Bitte wählen Sie sie noch einmal aus: bericht.pdf').first().waitFor();
      assert.equal(await page.getByLabel(/^Titel/).first().inputValue(), `${marker} mit falscher Datei`);
      assert.equal(await page.getByRole('group', { name: 'Neue Datei 1' }).getByLabel('Dateititel', { exact: true }).inputValue(), 'Kein PDF');
    });
  });

  let flowURL; // the member's entry
  const flowTitle = `${flowMarker}: Grüne Welle für Busse`;

  test('Koordination lädt ein, das Mitglied legt sein Passwort fest', opts, async () => {
    let link;
    await withPage(asCoordinator(), async (page) => {
      await page.goto(`${origin}/koordination`);
      await page.getByRole('heading', { level: 1, name: 'Koordination' }).waitFor();
      await checkA11y(page, 'Koordination: Übersicht');
      await page.getByRole('link', { name: /Personen/ }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Personen' }).waitFor();
      await checkA11y(page, 'Koordination: Personen');

      const form = page.locator('form', { has: page.getByRole('button', { name: 'Einladung verschicken' }) });
      await form.getByLabel(/^Name/).fill(MEMBER.name);
      await form.getByLabel(/^E-Mail-Adresse/).fill(MEMBER.email);
      await form.getByLabel(/^Rolle/).selectOption({ label: 'Mitglied' });
      await form.getByLabel(/^Kommune/).selectOption({ label: 'Kaiserslautern' });
      assert.equal((await submit(page, 'Einladung verschicken')).status(), 200);
      await page.getByRole('status').filter({ hasText: MEMBER.email }).waitFor();
      const row = page.getByRole('row', { name: new RegExp(MEMBER.name) });
      await row.getByRole('cell', { name: 'eingeladen' }).waitFor();

      await page.goto(`${origin}/koordination/postausgang`);
      await page.getByRole('heading', { level: 1, name: 'Postausgang' }).waitFor();
      await checkA11y(page, 'Koordination: Postausgang');
      const mail = page.locator('article.mail', { hasText: MEMBER.email }).filter({ hasText: 'Einladung' }).first();
      const body = await mail.locator('pre').innerText();
      link = body.match(/\/passwort\/[A-Za-z0-9_-]+/)?.[0];
      assert.ok(link, `kein Link in der Einladung:\n${body}`);
    });

    await withPage({}, async (page) => {
      const resp = await page.goto(origin + link);
      assert.equal(resp.status(), 200);
      await page.getByRole('heading', { level: 1, name: 'Passwort festlegen' }).waitFor();
      await page.getByText(MEMBER.name).first().waitFor();
      await checkA11y(page, 'Passwort festlegen');
      await page.getByLabel('Neues Passwort').fill(MEMBER.password);
      await page.getByLabel('Passwort wiederholen').fill(MEMBER.password);
      assert.equal((await submit(page, 'Passwort speichern')).status(), 200);
      await page.getByRole('status').filter({ hasText: 'Willkommen!' }).waitFor();

      await page.getByRole('link', { name: new RegExp(MEMBER.name) }).click();
      await page.getByRole('heading', { level: 1, name: 'Profil' }).waitFor();
      await page.getByText(MEMBER.email).waitFor();
      await checkA11y(page, 'Profil');

      // The link works only once.
      const again = await page.goto(origin + link);
      assert.equal(again.status(), 404);
      await page.getByText(/abgelaufen oder wurde schon benutzt/).waitFor();
    });
  });

  test('Mitglied reicht ein, Koordination fordert Überarbeitung an, Mitglied reicht erneut ein', opts, async () => {
    const comment = `Bitte ergänzen Sie die Kosten (${flowMarker}).`;
    await withPage({}, async (page) => {
      await signIn(page, MEMBER);
      await page.getByRole('link', { name: 'Neuer Eintrag' }).click();
      await page.getByRole('heading', { level: 1, name: 'Neuer Eintrag' }).waitFor();
      await fillEntryForm(page, { title: flowTitle, summary: `Ampeln geben Bussen per Funk Vorrang (${flowMarker}).` });
      await page.getByLabel(/^öffentlich/).check();
      assert.equal((await submit(page, 'Speichern und zur Prüfung einreichen')).status(), 200);
      await page.getByText('Eingereicht: die Koordination prüft diesen Eintrag.').waitFor();
      flowURL = new URL(page.url()).pathname;
    });
    assert.ok(flowURL, 'kein Eintrag eingereicht');

    await withPage(asCoordinator(), async (page) => {
      await page.goto(`${origin}/koordination/pruefung`);
      await page.getByRole('heading', { level: 1, name: 'Prüfung' }).waitFor();
      const item = page.getByRole('article', { name: flowTitle });
      await item.getByText('Kaiserslautern').first().waitFor();
      await item.getByText(`eingereicht von ${MEMBER.name}`).waitFor();
      await item.getByText(/Einwilligung der Ansprechperson/).waitFor();
      await checkA11y(page, 'Koordination: Prüfung');
      await item.getByLabel(/^Was soll überarbeitet werden/).fill(comment);
      await Promise.all([
        page.waitForURL('**/koordination/pruefung?entschieden=1'),
        item.getByRole('button', { name: /^Überarbeitung anfordern/ }).click(),
      ]);
      await page.getByRole('status').filter({ hasText: 'Ihre Entscheidung ist gespeichert.' }).waitFor();
      assert.equal(await page.getByRole('article', { name: flowTitle }).count(), 0, 'der Eintrag steht noch in der Prüfung');
    });

    await withPage({}, async (page) => {
      await signIn(page, MEMBER);
      await page.goto(origin + flowURL);
      await page.getByText('Überarbeitung angefordert:').waitFor();
      await page.getByText(comment).waitFor();
      await page.getByRole('link', { name: 'Bearbeiten' }).click();
      await page.getByLabel('Kosten').fill('ca. 12.000 € je Kreuzung');
      await page.getByLabel('Was haben Sie geändert?').fill('Kosten ergänzt');
      assert.equal((await submit(page, 'Speichern')).status(), 200);
      await page.getByText('ca. 12.000 € je Kreuzung').waitFor();
      assert.equal((await submit(page, 'Erneut einreichen')).status(), 200);
      await page.getByText('Eingereicht: die Koordination prüft diesen Eintrag.').waitFor();

      // "Meine Kommune" lists the entry with its state.
      await page.getByRole('link', { name: 'Meine Kommune' }).click();
      await page.getByRole('heading', { level: 1, name: 'Kaiserslautern' }).waitFor();
      const hit = page.locator('li.hit', { has: page.getByRole('link', { name: flowTitle }) });
      await hit.getByText('Eingereicht').waitFor();
    });
  });

  test('Koordination veröffentlicht, Besucher:innen finden den Eintrag', opts, async () => {
    assert.ok(flowURL, 'kein Eintrag eingereicht');
    await withPage(asCoordinator(), async (page) => {
      await page.goto(`${origin}/koordination/pruefung`);
      const item = page.getByRole('article', { name: flowTitle });
      await Promise.all([
        page.waitForURL('**/koordination/pruefung?entschieden=1'),
        item.getByRole('button', { name: /^Veröffentlichen/ }).click(),
      ]);
      await page.getByRole('status').filter({ hasText: 'Ihre Entscheidung ist gespeichert.' }).waitFor();

      await page.goto(`${origin}/koordination/protokoll`);
      await page.getByRole('heading', { level: 1, name: 'Protokoll' }).waitFor();
      await page.getByRole('row', { name: /Veröffentlicht/ }).filter({ hasText: flowURL.slice('/eintraege/'.length) }).first().waitFor();
      await checkA11y(page, 'Koordination: Protokoll');
    });

    await withPage({}, async (page) => {
      await page.goto(`${origin}/`);
      const header = page.locator('header.site-header');
      const hit = page.locator(`.hits a[href="${flowURL}"]`);
      await eventually(async () => {
        await header.getByLabel('Suche im Wissensnetz').fill(flowMarker);
        await Promise.all([page.waitForURL('**/suche?*'), header.getByRole('button', { name: 'Suchen' }).click()]);
        return (await hit.count()) > 0;
      }, 10_000, `Suchergebnis für ${flowMarker}`);
      await hit.click();
      await page.getByRole('heading', { level: 1, name: flowTitle }).waitFor();
      assert.equal(await page.getByText('Überarbeitung angefordert').count(), 0);
    });
  });

  test('Mitglied lädt eine Datei herunter, Besucher:innen bekommen 404', opts, async () => {
    assert.ok(filesURL, 'kein Eintrag mit Dateien angelegt');
    // The coordinator publishes the entry; it stays internal: for members only.
    await withPage(asCoordinator(), async (page) => {
      await page.goto(origin + filesURL);
      assert.equal((await submit(page, 'Veröffentlichen')).status(), 200);
    });
    let href;
    await withPage({}, async (page) => {
      await signIn(page, MEMBER);
      await page.goto(origin + filesURL);
      const link = page.getByRole('region', { name: 'Dateien' }).getByRole('link', { name: 'Abschlussbericht Zisternen' });
      href = await link.getAttribute('href');
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      assert.equal(download.suggestedFilename(), 'bericht.pdf');
      const saved = await readFile(await download.path());
      assert.ok(saved.equals(await readFile(corpus('bericht.pdf'))), 'die heruntergeladene Datei ist nicht die hochgeladene');
      const resp = await page.request.get(origin + href);
      assert.equal(resp.status(), 200);
      assert.equal(resp.headers()['content-type'], 'application/pdf');
      assert.equal(resp.headers()['cache-control'], 'private, no-store');
      assert.equal(resp.headers()['x-content-type-options'], 'nosniff');

      // A sentence from page 2 of the PDF finds the entry, and the hit says where. The
      // text is read in the background after the upload.
      const query = 'Straßenbeleuchtung Bad Dürkheim';
      let hit;
      await eventually(async () => {
        await page.goto(`${origin}/suche?q=${encodeURIComponent(query)}`);
        hit = page.locator('li.hit').filter({ has: page.locator(`a[href="${filesURL}"]`) });
        return (await hit.count()) === 1 && /Seite 2/.test(await hit.innerText());
      }, 60_000, 'Treffer mit der Fundstelle in der PDF-Datei');
      const where = hit.getByRole('link', { name: 'Gefunden in „Abschlussbericht Zisternen“ (bericht.pdf), Seite 2' });
      assert.equal(await where.getAttribute('href'), href, 'die Fundstelle verlinkt die Datei');
      await hit.locator('mark', { hasText: 'Straßenbeleuchtung' }).first().waitFor();
      await checkA11y(page, 'Suche mit Fundstelle in einer Datei');
    });
    await withPage({}, async (page) => {
      const hidden = await page.goto(origin + href);
      assert.equal(hidden.status(), 404);
      await page.getByText('Diese Datei gibt es nicht, oder Sie dürfen sie nicht sehen.').waitFor();
      const hiddenBody = await hidden.text();
      const unknown = await page.goto(origin + href.replace(/dateien\/[^/?]+/, 'dateien/01JC0000000000000000000000'));
      assert.equal(unknown.status(), 404);
      assert.equal(hiddenBody, await unknown.text(), 'eine verborgene Datei antwortet anders als eine, die es nicht gibt');
      await checkA11y(page, 'Datei nicht gefunden');
    });
  });

  test('Koordination: Letzte Änderungen, Kommunen, Themen', opts, async () => {
    assert.ok(flowURL, 'kein Eintrag eingereicht');
    // The member's edit of the published entry goes live and waits for the patrol.
    const addition = `Seit Mai auch auf der Linie 105 (${flowMarker}).`;
    await withPage({}, async (page) => {
      await signIn(page, MEMBER);
      await page.goto(`${origin}${flowURL}/bearbeiten`);
      await page.getByLabel('Kurzbeschreibung').fill(addition);
      assert.equal((await submit(page, 'Speichern')).status(), 200);
    });
    await withPage(asCoordinator(), async (page) => {
      await page.goto(`${origin}/koordination/aenderungen`);
      await page.getByRole('heading', { level: 1, name: 'Letzte Änderungen' }).waitFor();
      const change = page.getByRole('region', { name: flowTitle });
      await change.locator('ins', { hasText: addition }).first().waitFor();
      await checkA11y(page, 'Koordination: Letzte Änderungen');
      await Promise.all([
        page.waitForURL('**/koordination/aenderungen?geprueft=1'),
        change.getByRole('button', { name: /^Geprüft/ }).click(),
      ]);
      await page.getByRole('status').filter({ hasText: 'Als geprüft markiert.' }).waitFor();
      assert.equal(await page.getByRole('region', { name: flowTitle }).count(), 0, 'die Änderung steht noch in der Liste');

      await page.goto(`${origin}/koordination/kommunen`);
      await page.getByRole('heading', { level: 1, name: 'Kommunen verwalten' }).waitFor();
      await checkA11y(page, 'Koordination: Kommunen');
      // A taken key is explained at the field, with the input kept.
      await page.getByLabel(/^Amtlicher Gemeindeschlüssel/).fill('07312000');
      await page.getByLabel(/^Name/).fill('Kaiserslautern-Doppelt');
      assert.equal((await submit(page, 'Kommune anlegen')).status(), 409);
      const ags = page.getByLabel(/^Amtlicher Gemeindeschlüssel/);
      assert.equal(await ags.getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByLabel(/^Name/).inputValue(), 'Kaiserslautern-Doppelt');
      await page.getByText('Eine Kommune mit diesem Gemeindeschlüssel gibt es schon.').first().waitFor();
      await checkA11y(page, 'Koordination: Kommunen mit Fehlermeldung');

      await page.goto(`${origin}/koordination/themen`);
      await page.getByRole('heading', { level: 1, name: 'Themen verwalten' }).waitFor();
      await checkA11y(page, 'Koordination: Themen');
    });
  });

  test('Koordination pflegt Synonyme, die Suche findet sie sofort', opts, async () => {
    const hitTitle = 'Hitzeaktionsplan mit digitaler Hitzekarte und Warnkette';
    await withPage(asCoordinator(), async (page) => {
      await page.goto(`${origin}/koordination/suchwoerter`);
      await page.getByRole('heading', { level: 1, name: 'Suchwörter: Synonyme und geschützte Wörter' }).waitFor();
      await checkA11y(page, 'Koordination: Suchwörter');
      // A line without "=" is explained with its line number, the input kept.
      const synonyms = page.getByLabel('Synonyme und Abkürzungen');
      await synonyms.fill('HAP');
      assert.equal((await submit(page, 'Speichern')).status(), 400);
      assert.equal(await synonyms.getAttribute('aria-invalid'), 'true');
      assert.equal(await synonyms.inputValue(), 'HAP');
      await page.getByText(/^Zeile 1: Eine Gruppe braucht mindestens zwei Begriffe/).first().waitFor();
      await checkA11y(page, 'Koordination: Suchwörter mit Fehlermeldung');
      await synonyms.fill('HAP = Hitzeaktionsplan');
      assert.equal((await submit(page, 'Speichern')).status(), 200);
      await page.getByRole('status').filter({ hasText: 'Die Suchwörter sind gespeichert' }).waitFor();
    });
    await withPage({}, async (page) => {
      await page.goto(`${origin}/suche?q=HAP`);
      await page.locator('.hits a', { hasText: hitTitle }).first().waitFor();
    });
  });

  test('Suchfeld schlägt Einträge und Themen vor (Tastatur)', opts, async () => {
    await withPage({}, async (page) => {
      await page.goto(`${origin}/eintraege`);
      const box = page.locator('header.site-header').getByRole('combobox', { name: 'Suche im Wissensnetz' });
      assert.equal(await box.getAttribute('aria-expanded'), 'false');
      const listId = await box.getAttribute('aria-controls');
      const list = page.locator(`#${listId}`);
      await box.pressSequentially('Pegelsens', { delay: 30 });
      const option = list.getByRole('option', { name: /^Pegelsensoren an kleinen Bächen/ });
      await option.waitFor();
      assert.equal(await box.getAttribute('aria-expanded'), 'true');
      assert.equal(await list.getAttribute('role'), 'listbox');
      // The number of suggestions is announced politely.
      const status = page.locator('header.site-header [role="status"]');
      await eventually(async () => /^\d+ Vorschl(ag|äge)\./.test(await status.innerText()), 5_000, 'Ansage der Vorschläge');
      await checkA11y(page, 'Suchfeld mit offener Vorschlagsliste');

      // Arrow keys move the active option; Escape closes the list, the text stays.
      await box.press('ArrowDown');
      const first = list.getByRole('option').first();
      assert.equal(await first.getAttribute('aria-selected'), 'true');
      assert.equal(await box.getAttribute('aria-activedescendant'), await first.getAttribute('id'));
      await box.press('Escape');
      assert.equal(await box.getAttribute('aria-expanded'), 'false');
      assert.equal(await box.getAttribute('aria-activedescendant'), null);
      assert.equal(await box.inputValue(), 'Pegelsens');

      // Arrow down to the entry and Enter opens it.
      await box.press('ArrowDown');
      for (let i = 0; i < 10 && (await option.getAttribute('aria-selected')) !== 'true'; i++) await box.press('ArrowDown');
      await Promise.all([page.waitForURL('**/eintraege/pegelsensoren-*'), box.press('Enter')]);
      await page.getByRole('heading', { level: 1, name: /^Pegelsensoren an kleinen Bächen/ }).waitFor();

      // A topic leads to the topic's page.
      const box2 = page.locator('header.site-header').getByRole('combobox', { name: 'Suche im Wissensnetz' });
      await box2.pressSequentially('Mobilit', { delay: 30 });
      const topic = page.getByRole('option', { name: 'Thema Mobilität' });
      await topic.waitFor();
      await box2.press('ArrowDown');
      for (let i = 0; i < 20 && (await topic.getAttribute('aria-selected')) !== 'true'; i++) await box2.press('ArrowDown');
      await Promise.all([page.waitForURL('**/themen/mobilitaet'), box2.press('Enter')]);

      // Without choosing an option, Enter still searches.
      const box3 = page.locator('header.site-header').getByRole('combobox', { name: 'Suche im Wissensnetz' });
      await box3.fill('Hochwasser');
      await Promise.all([page.waitForURL('**/suche?q=Hochwasser'), box3.press('Enter')]);
    });
  });

  test('Besucher:innen bekommen keine internen Titel vorgeschlagen', opts, async () => {
    // "Digitaler Krisenstab: …" is internal in the demo content.
    await withPage({}, async (page) => {
      await page.goto(`${origin}/`);
      const box = page.locator('header.site-header').getByRole('combobox', { name: 'Suche im Wissensnetz' });
      await box.pressSequentially('Krisens', { delay: 30 });
      const status = page.locator('header.site-header [role="status"]');
      await eventually(async () => (await status.innerText()).length > 0, 5_000, 'Ansage der Vorschläge');
      assert.equal(await page.getByRole('option', { name: /Digitaler Krisenstab/ }).count(), 0);
    });
    await withPage(asCoordinator(), async (page) => {
      await page.goto(`${origin}/`);
      const box = page.locator('header.site-header').getByRole('combobox', { name: 'Suche im Wissensnetz' });
      await box.pressSequentially('Krisens', { delay: 30 });
      await page.getByRole('option', { name: /Digitaler Krisenstab/ }).waitFor();
    });
  });

  test('Neuer Eintrag: ähnliche vorhandene Einträge beim Tippen', opts, async () => {
    await withPage(asCoordinator(), async (page) => {
      await page.goto(`${origin}/eintraege/neu`);
      const region = page.locator('#f-similar');
      assert.equal(await region.getAttribute('aria-live'), 'polite');
      await page.getByLabel(/^Titel/).pressSequentially('Pegelsensoren an Bächen', { delay: 20 });
      await page.getByLabel('Kurzbeschreibung').fill('Sensoren messen den Wasserstand und warnen die Feuerwehr vor Hochwasser.');
      await region.getByText('Ähnliche Einträge – vielleicht gibt es das schon:').waitFor();
      const link = region.getByRole('link', { name: /^Pegelsensoren an kleinen Bächen/ });
      await link.waitFor();
      assert.equal(await link.getAttribute('target'), '_blank');
      assert.match(await link.getAttribute('href'), /^\/eintraege\/pegelsensoren-/);
      await region.getByText('Die Einträge öffnen sich in einem neuen Tab').waitFor();
      await checkA11y(page, 'Formular „Neuer Eintrag“ mit ähnlichen Einträgen');

      // A title too short for a comparison hides the box.
      await page.getByLabel(/^Titel/).fill('Pegel');
      await page.getByLabel('Kurzbeschreibung').fill('');
      await region.getByText('Ähnliche Einträge').waitFor({ state: 'detached' });

      // Editing an entry never lists the entry itself.
      const slug = 'pegelsensoren-an-kleinen-baechen-fruehwarnung-fuer-ortsgemeinden';
      await page.goto(`${origin}/eintraege/${slug}/bearbeiten`);
      const title = page.getByLabel(/^Titel/);
      await title.press('End');
      await title.pressSequentially(' und Hochwasser', { delay: 20 });
      await page.locator('#f-similar').getByText('Ähnliche Einträge – vielleicht gibt es das schon:').waitFor();
      assert.equal(await page.locator(`#f-similar a[href="/eintraege/${slug}"]`).count(), 0, 'der Eintrag selbst wird vorgeschlagen');
    });
  });

  test('Seiten halten ihre Content-Security-Policy ein', opts, async () => {
    assert.ok(entryURL, 'kein Eintrag angelegt');
    await withPage(asCoordinator({ bypassCSP: false }), async (page) => {
      await page.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => {
          window.__csp.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
        });
      });
      for (const path of ['/', entryURL, '/eintraege/neu', `/suche?q=${marker}`, '/eintraege', '/themen',
        '/kommunen', `${entryURL}/versionen`, `${entryURL}/vergleich?von=1&zu=2`, '/profil', '/koordination',
        '/koordination/pruefung', '/koordination/aenderungen', '/koordination/kommunen', '/koordination/themen',
        '/koordination/personen', '/koordination/protokoll', '/koordination/postausgang', '/koordination/suchwoerter']) {
        const resp = await page.goto(origin + path, { waitUntil: 'load' });
        assert.equal(resp.status(), 200, path);
        assert.match(resp.headers()['content-security-policy'] || '', /default-src 'self'/, path);
        assert.deepEqual(await page.evaluate(() => window.__csp), [], `CSP-Verstöße auf ${path}`);
      }
      // The script's requests and changes of the page keep to the policy too.
      await page.goto(`${origin}/eintraege/neu`);
      await page.locator('header.site-header').getByRole('combobox').pressSequentially('Pegelsens', { delay: 20 });
      await page.getByRole('option', { name: /^Pegelsensoren/ }).waitFor();
      await page.getByLabel(/^Titel/).fill('Pegelsensoren an kleinen Bächen');
      await page.locator('#f-similar a').first().waitFor();
      assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP-Verstöße beim Tippen');
    });
  });

  test('Keine Anfragen an Dritte', opts, async () => {
    assert.ok(requests.length > 10, `zu wenige Anfragen aufgezeichnet: ${requests.length}`);
    // data: URLs never leave the browser; everything else must come from the server itself.
    const foreign = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'));
    assert.deepEqual(foreign, [], 'Anfragen an andere Adressen als den Server');
    assert.ok(requests.some((u) => u.startsWith(`${origin}/static/style.css`)), 'Stylesheet wurde nicht geladen');
    assert.ok(requests.some((u) => u.startsWith(`${origin}/static/wissensnetz.js`)), 'Skript wurde nicht geladen');
  });
});

// ---- helpers --------------------------------------------------------------------------

// withPage runs fn with a fresh browser context and page, records their requests and
// always closes the context. axe is injected as an inline script, which the server's CSP
// forbids, so contexts with JavaScript bypass the CSP (the test of the CSP does not).
async function withPage(options, fn) {
  const jsOn = options.javaScriptEnabled !== false;
  const context = await browser.newContext({ locale: 'de-DE', bypassCSP: jsOn, ...options });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  context.on('request', (req) => requests.push(req.url()));
  try {
    const page = await context.newPage();
    await fn(page, context);
  } finally {
    await context.close().catch(() => {});
  }
}

function topicsGroup(page) {
  return page.getByRole('group', { name: /^Themen/ });
}

// signIn signs in through the sign-in page.
async function signIn(page, { email, password }) {
  await page.goto(`${origin}/anmelden`);
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort', { exact: true }).fill(password);
  const resp = await submit(page, 'Anmelden');
  assert.equal(resp.status(), 200, `Anmeldung als ${email}`);
  await page.getByRole('button', { name: 'Abmelden' }).waitFor();
}

// fillEntryForm fills the new-entry form through its visible labels.
async function fillEntryForm(page, { title, summary }) {
  await page.getByLabel(/^Titel/).fill(title);
  await page.getByLabel('Art des Eintrags').selectOption({ label: 'Lösung' });
  await page.getByLabel('Kurzbeschreibung').fill(summary);
  await page.getByLabel(/^Beschreibung/).fill(
    `## Ausgangslage\n\nDie Zisternen liefen unbemerkt über.\n\n## Lösung\n\nFüllstandssensoren (${marker}) melden alle 15 Minuten.\n`);
  await topicsGroup(page).getByLabel('Sensornetzwerke & IoT', { exact: true }).check();
  await topicsGroup(page).getByLabel('Klima & Umwelt', { exact: true }).check();
  await page.getByLabel(/^Kommune/).selectOption({ label: 'Kaiserslautern' });
  await page.getByLabel('Projektstatus').selectOption({ label: 'laufend' });
}

// submit clicks the button and returns the response of the page it leads to.
async function submit(page, buttonName) {
  const [resp] = await Promise.all([
    page.waitForNavigation({ timeout: STEP_TIMEOUT_MS }),
    page.getByRole('button', { name: buttonName, exact: true }).click(),
  ]);
  assert.ok(resp, `keine Antwort nach Klick auf „${buttonName}“`);
  return resp;
}

async function selectedLabel(select) {
  return (await select.locator('option:checked').innerText()).trim();
}

// checkA11y runs axe-core on the page and fails with the details of every violation.
async function checkA11y(page, what) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: tags, resultTypes: ['violations'] });
    return {
      passes: r.passes.length,
      violations: r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      })),
    };
  }, WCAG_TAGS);
  axeReport.push([what, result.violations.length, result.passes]);
  if (result.violations.length) {
    const lines = [`axe-core: ${result.violations.length} Verstöße auf „${what}“ (${page.url()})`];
    for (const v of result.violations) {
      lines.push(`- ${v.id} [${v.impact}]: ${v.help} (${v.helpUrl})`);
      for (const n of v.nodes) lines.push(`    ${n.target}\n      ${(n.summary || '').replace(/\n/g, '\n      ')}`);
    }
    console.log(lines.join('\n'));
  }
  assert.deepEqual(result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target).join(', ')}`), [],
    `Barrierefreiheit auf „${what}“`);
}

async function eventually(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`nicht eingetreten nach ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function waitHealthy(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`Server beendet (${server.exitCode ?? server.signalCode}):\n${serverLog}`);
    }
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (r.status === 200) return;
      last = `Status ${r.status}`;
    } catch (err) {
      last = String(err.cause?.code || err.message);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Server nicht bereit nach ${timeoutMs} ms (${last}):\n${serverLog}`);
}

async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// Never leave the server behind, whatever happens to the test process.
process.on('exit', () => { if (server && server.exitCode === null) server.kill('SIGKILL'); });

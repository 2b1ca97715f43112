/* Readership in a real browser (issue 9): with views.count = beacon, an
 * article page loads themes/default/assets/beacon.js, which sends
 * navigator.sendBeacon('/v/ID'); the server does not count the page GET
 * itself, only the beacon. Checked on a site of its own: the article
 * enters Most viewed after a flush, /metrics counts exactly one view, and
 * the page has no console error or CSP violation (the script is external,
 * allowed by script-src 'self').
 *
 * Chromium here is headless and says so in its User-Agent
 * ("HeadlessChrome"), which the bot list refuses whatever the settings; the
 * context sends an ordinary desktop Chrome User-Agent instead, and the
 * server runs with views.heuristics = no. */

import { execFileSync } from 'node:child_process';
import path from 'node:path';

const READER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
    'Chrome/120.0.0.0 Safari/537.36';
const TITLE = 'Lighthouse keepers return to the northern cape';

function gz(gazette, args, input) {
    return execFileSync(gazette, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

function mostViewed(html) {
    const m = /<section[^>]*id="most-viewed"[^>]*>([\s\S]*?)<\/section>/.exec(html);
    return m ? m[1] : '';
}

async function viewsCounted(base) {
    const r = await fetch(`${base}/metrics`);
    const m = /^gazette_views_counted_total (\d+)$/m.exec(await r.text());
    return m ? Number(m[1]) : -1;
}

export async function runReadersChecks(browser, helpers) {
    const { gazette, dir, check, assert, startServer, stopServer, freePort } = helpers;
    const db = path.join(dir, 'readers.db');
    let server = null;
    let articlePath = null;
    await check('readers: a site counting views by beacon (views.count = beacon)', async () => {
        gz(gazette, ['init', '--db', db]);
        const out = gz(gazette, ['new', '--db', db, '--title', TITLE, '--publish', '-'],
            'The light at the cape is kept by people again.\n');
        const m = /created article (\d+) \(published\): (\S+)/.exec(out);
        assert(m, `gazette new: ${out}`);
        articlePath = new URL(m[2]).pathname;
        server = await startServer(gazette, db, await freePort(), null, ['--set', 'views.count=beacon',
            '--set', 'views.heuristics=no', '--set', 'views.flush_ms=50']);
    });
    if (!server) return;
    const base = server.base;
    const context = await browser.newContext({ userAgent: READER_UA, locale: 'en-GB',
        viewport: { width: 1280, height: 900 } });
    try {
        const page = await context.newPage();
        const problems = [];
        page.on('console', (msg) => {
            if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
        });
        page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
        await check('readers: the article page loads the beacon script and sends the beacon', async () => {
            const beacon = page.waitForRequest((req) =>
                new URL(req.url()).pathname.startsWith('/v/') && req.method() === 'POST', { timeout: 10_000 });
            const resp = await page.goto(base + articlePath, { waitUntil: 'load' });
            assert(resp && resp.status() === 200, `status ${resp && resp.status()}`);
            assert(await page.locator('script[src^="/assets/beacon.js"][data-beacon]').count() === 1,
                'no beacon script element');
            const req = await beacon;
            assert(!new URL(req.url()).search, `beacon with a query: ${req.url()}`);
        });
        await check('readers: the beacon counted the view (Most viewed after a flush, /metrics)', async () => {
            const deadline = Date.now() + 10_000;
            let html = '';
            while (Date.now() < deadline) {
                html = await (await fetch(`${base}/`)).text();
                if (mostViewed(html).includes(TITLE)) break;
                await new Promise((r) => setTimeout(r, 100));
            }
            assert(mostViewed(html).includes(TITLE), 'the article is not in Most viewed');
            /* the page GET itself did not count: one view, the beacon's */
            assert(await viewsCounted(base) === 1, `views counted: ${await viewsCounted(base)}`);
        });
        await check('readers: a reload within reload_minutes does not count again', async () => {
            /* the beacon is answered after it was judged: its response
             * means the count is final */
            const answered = page.waitForResponse((res) =>
                new URL(res.url()).pathname.startsWith('/v/') && res.request().method() === 'POST',
            { timeout: 10_000 });
            await page.reload({ waitUntil: 'load' });
            const res = await answered;
            assert(res.status() === 204, `beacon status ${res.status()}`);
            assert(await viewsCounted(base) === 1, `views counted: ${await viewsCounted(base)}`);
        });
        await check('readers: no console errors or CSP violations', async () => {
            assert(problems.length === 0, problems.join('\n'));
        });
    } finally {
        await context.close();
        const code = await stopServer(server.child, 10_000);
        await check('readers: server exits cleanly', () => assert(code === 0, `exit ${code}`));
    }
}

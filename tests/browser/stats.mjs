/* The readership dashboard in Chromium: /admin/stats and an article's
 * statistics page at desktop and phone widths.
 *
 * Its own site (a few articles, one editor) filled with a month of traffic
 * by tests/tools/stats_simulate (built next to the gazette binary:
 * BUILD/tests/tools/stats_simulate), its own server. Checks: the charts are
 * SVG images with accessible names (role="img", <title>), they scale with
 * the page, the sparklines are hidden from assistive technology, the
 * numbers table opens without JavaScript, the 30/90/365 links switch the
 * period, no sideways scrolling at phone width, axe-core finds nothing (light
 * and dark schemes), no console errors or CSP violations. Screenshots:
 * stats-desktop.png, stats-phone.png, stats-article-desktop.png,
 * stats-article-phone.png.
 *
 * Called from run.mjs with its browser and helpers, so the checks count in
 * its totals. */

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const USER = 'stats-editor';
const PASSWORD = 'correct horse battery';
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const TITLES = [
    'Harbour council approves new ferry timetable',
    'Storm closes the coast road for a second night',
    '=HYPERLINK("http://evil.example/","click me")',
    'Budget, "final" and revised',
    'Island school reopens after the floods',
];
const CHART_NAME = 'Views and readers per day';

function gz(gazette, args, input) {
    return execFileSync(gazette, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/* BUILD/tests/tools/stats_simulate for the gazette at BUILD/src/cli/gazette. */
function simulator(gazette) {
    const exe = path.join(path.dirname(path.dirname(path.dirname(gazette))), 'tests', 'tools', 'stats_simulate');
    if (!existsSync(exe)) throw new Error(`no ${exe}: build the tests first`);
    return exe;
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/* Every rule axe runs by default. */
async function axe(page) {
    await page.evaluate(AXE);
    const r = await page.evaluate(() => window.axe.run(document));
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

function watch(page) {
    const problems = [];
    page.on('console', (m) => {
        if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    return problems;
}

async function login(page, base) {
    await page.goto(`${base}/admin/login`);
    await page.fill('#name', USER);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/admin`), page.click('button[type=submit]')]);
}

/* The page is no wider than the device (a phone's viewport widens to fit
 * what overflows, so both are compared with the device's width). */
async function noSidewaysScroll(page, assert) {
    const device = page.viewportSize().width;
    const { sw, iw } = await page.evaluate(() => ({
        sw: document.scrollingElement.scrollWidth, iw: window.innerWidth,
    }));
    assert(sw <= device && iw <= device, `page ${sw}px wide, viewport ${iw}px, device ${device}px`);
}

/* Every chart: an SVG image named by its <title>, as wide as its box. */
async function chartsAccessible(page, assert) {
    const charts = page.getByRole('img', { name: CHART_NAME, exact: true });
    assert(await charts.count() === 1, `${await charts.count()} charts named "${CHART_NAME}"`);
    const info = await page.locator('svg.chart').first().evaluate((svg) => ({
        tag: svg.tagName.toLowerCase(),
        role: svg.getAttribute('role'),
        desc: svg.querySelector('desc') ? svg.querySelector('desc').textContent : '',
        width: svg.getBoundingClientRect().width,
        box: svg.parentElement.getBoundingClientRect().width,
        viewBox: svg.getAttribute('viewBox'),
    }));
    assert(info.tag === 'svg' && info.role === 'img', `chart is ${info.tag} role=${info.role}`);
    assert(/UTC/.test(info.desc), `chart description: ${info.desc}`);
    assert(info.viewBox && Math.abs(info.width - info.box) < 1, `chart ${info.width}px in a ${info.box}px box`);
    const hidden = await page.locator('svg.spark').evaluateAll((s) => s.every((x) => x.getAttribute('aria-hidden') === 'true'));
    assert(hidden, 'a sparkline is not aria-hidden');
}

export async function runStatsChecks(browser, helpers) {
    const { gazette, dir, check, assert, startServer, stopServer, freePort, shot } = helpers;
    const db = path.join(dir, 'stats.db');
    let server = null;
    let articleId = null;
    await check('stats: a site with a month of simulated traffic', async () => {
        gz(gazette, ['init', '--db', db]);
        const ids = TITLES.map((t) => {
            const m = /created article (\d+)/.exec(gz(gazette, ['new', '--db', db, '--title', t, '--publish', '-'], 'Body.'));
            if (!m) throw new Error('gazette new printed no id');
            return m[1];
        });
        articleId = ids[2];
        gz(gazette, ['user', 'add', USER, '--role', 'editor', '--db', db, '--password-stdin'], PASSWORD + '\n');
        execFileSync(simulator(gazette), ['--db', db, '--articles', ids.join(',')], { stdio: ['ignore', 'ignore', 'pipe'] });
        server = await startServer(gazette, db, await freePort(), null);
    });
    if (!server) return;
    const base = server.base;
    const pages = [
        ['stats', `${base}/admin/stats`],
        ['stats-article', `${base}/admin/stats/article/${articleId}?days=90`],
    ];
    try {
        for (const [label, device] of [['desktop', DESKTOP], ['phone', PHONE]]) {
            const context = await browser.newContext(device);
            const page = await context.newPage();
            const problems = watch(page);
            try {
                await check(`stats ${label}: an editor logs in`, () => login(page, base));
                for (const [name, url] of pages) {
                    const what = `stats ${label} ${name}`;
                    await check(`${what}: loads (200)`, async () => {
                        const r = await page.goto(url);
                        assert(r && r.status() === 200, `status ${r && r.status()}`);
                    });
                    await check(`${what}: the chart is an SVG image with an accessible name`, () => chartsAccessible(page, assert));
                    await check(`${what}: the numbers table opens without JavaScript`, async () => {
                        await page.locator('details summary').first().click();
                        const rows = await page.locator('#days-table tbody tr').count();
                        assert(rows === (name === 'stats' ? 30 : 90), `${rows} rows`);
                        assert(await page.locator('#days-table').isVisible(), 'table not shown');
                    });
                    await check(`${what}: no horizontal scrolling`, () => noSidewaysScroll(page, assert));
                    await check(`${what}: screenshot ${name}-${label}.png`, () => shot(page, `${name}-${label}.png`));
                    await check(`${what}: axe finds no violations`, async () => {
                        const v = await axe(page);
                        assert(v.length === 0, `axe: ${v.join('; ')}`);
                    });
                }
                await check(`stats ${label}: the 365 days link switches the period`, async () => {
                    await page.goto(`${base}/admin/stats`);
                    await Promise.all([page.waitForURL(/days=365/), page.getByRole('link', { name: '365 days' }).click()]);
                    assert(await page.locator('#days-table tbody tr').count() === 365, 'not 365 rows');
                    const current = await page.locator('.periods a[aria-current=page]').innerText();
                    assert(current.trim() === '365 days', `current: ${current}`);
                });
                await check(`stats ${label}: a top list links to the article's page`, async () => {
                    await page.goto(`${base}/admin/stats`);
                    const link = page.locator('#top-30d a').first();
                    const title = (await link.innerText()).trim();
                    await Promise.all([page.waitForURL(/\/admin\/stats\/article\/\d+/), link.click()]);
                    assert((await page.locator('h1').innerText()).trim() === title, 'h1 is not the title');
                });
                await check(`stats ${label}: no console errors or CSP violations`, () =>
                    assert(problems.length === 0, problems.join('\n')));
            } finally {
                await context.close();
            }
        }
        await check('stats: axe finds no violations in the dark scheme', async () => {
            const context = await browser.newContext({ ...DESKTOP, colorScheme: 'dark' });
            try {
                const page = await context.newPage();
                await login(page, base);
                for (const [, url] of pages) {
                    await page.goto(url);
                    const v = await axe(page);
                    assert(v.length === 0, `${url}: ${v.join('; ')}`);
                }
            } finally {
                await context.close();
            }
        });
    } finally {
        await check('stats: the server exits cleanly on SIGTERM', async () => {
            const code = await stopServer(server.child, 10_000);
            const bad = server.log().split('\n').filter((l) =>
                /AddressSanitizer|LeakSanitizer|runtime error:|\[error\]/.test(l));
            assert(code === 0 && bad.length === 0, `exit ${code}; ${bad.slice(0, 5).join('\n')}`);
        });
    }
}

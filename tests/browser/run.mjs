#!/usr/bin/env node
/* Browser tests for gazette: what a reader sees in Chromium.
 *
 * Usage: node run.mjs --gazette PATH [--out DIR] [--chromium PATH] [--theme DIR]
 *
 * --theme serves with a theme folder over the default one (to try a theme
 * change, or to see that these checks fail on a broken one).
 *
 * Builds a throw-away site (60 demo articles, one known English article and
 * one known Persian article), serves it on a free loopback port, and checks in
 * Debian's headless Chromium (driven by playwright-core, never a downloaded
 * browser): titles, sidebar blocks, navigation, phone/desktop layout,
 * right-to-left rendering, console/CSP errors, and axe-core accessibility.
 * Screenshots go to --out. Ends with one line "N passed, N failed"; exits 1
 * on any failure. */

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { runXssChecks } from './xss.mjs';
import { runAdminChecks } from './admin.mjs';
import { runStatsChecks } from './stats.mjs';
import { runReadersChecks } from './readers.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const HARD_LIMIT_MS = 240_000;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

const EN_TITLE = 'Harbour council approves new ferry timetable';
const EN_SUMMARY = 'Morning crossings to the islands will run every forty minutes from March.';
const EN_BODY = `The harbour council voted on Tuesday to approve a new ferry timetable for the
island routes, after three months of public consultation.

## What changes

Morning crossings will run every forty minutes instead of every hour. The last
evening ferry leaves at 22:10, half an hour later than today.

> "People asked for earlier boats, and we listened," the council chair said.

The timetable takes effect on the first Monday of March.
`;
const FA_TITLE = 'شورای بندر جدول جدید کشتی‌ها را تصویب کرد';
const FA_SUMMARY = 'از اسفند، کشتی‌های صبح هر چهل دقیقه یک‌بار به جزیره‌ها می‌روند.';
const FA_BODY = `شورای بندر روز سه‌شنبه پس از سه ماه نظرسنجی عمومی، جدول زمانی تازه‌ای را برای
مسیرهای جزیره تصویب کرد.

کشتی‌های صبح به‌جای هر یک ساعت، هر چهل دقیقه حرکت خواهند کرد. آخرین کشتی شب
ساعت ۲۲:۱۰ حرکت می‌کند، نیم ساعت دیرتر از امروز.

این جدول از نخستین دوشنبهٔ اسفند اجرا می‌شود.
`;

/* ---- arguments ---------------------------------------------------------- */

function parseArgs(argv) {
    const opts = { gazette: null, out: null, chromium: '/usr/bin/chromium', theme: null };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const next = () => {
            if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
            return argv[++i];
        };
        if (a === '--gazette') opts.gazette = path.resolve(next());
        else if (a === '--out') opts.out = path.resolve(next());
        else if (a === '--chromium') opts.chromium = next();
        else if (a === '--theme') opts.theme = path.resolve(next());
        else if (a === '--help' || a === '-h') {
            console.log('usage: node run.mjs --gazette PATH [--out DIR] [--chromium PATH] [--theme DIR]');
            process.exit(0);
        } else throw new Error(`unknown argument: ${a}`);
    }
    if (!opts.gazette) throw new Error('--gazette PATH is required');
    return opts;
}

/* ---- tiny test harness -------------------------------------------------- */

const results = { passed: 0, failed: 0 };

async function check(name, fn) {
    try {
        const note = await fn();
        results.passed++;
        console.log(`ok   - ${name}`);
        if (typeof note === 'string' && note) console.log(`       ${note.split('\n').join('\n       ')}`);
    } catch (err) {
        results.failed++;
        const msg = String(err && err.message ? err.message : err).split('\n').join('\n       ');
        console.log(`FAIL - ${name}\n       ${msg}`);
    }
}

function assert(cond, msg) {
    if (!cond) throw new Error(msg);
}

function assertEq(actual, expected, what) {
    if (actual !== expected)
        throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/* ---- the site under test ------------------------------------------------ */

function gz(gazette, args, input) {
    return execFileSync(gazette, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/* "created article ID (published): URL" -> the URL's path (percent-encoded). */
function createdPath(out) {
    const m = /created article (\d+) \(published\): (\S+)/.exec(out);
    if (!m) throw new Error(`unexpected output of gazette new: ${out}`);
    return new URL(m[2]).pathname;
}

function makeSite(gazette, dir) {
    const db = path.join(dir, 'site.db');
    gz(gazette, ['demo', '--db', db, '--articles', '60', '--seed', '7']);
    const en = createdPath(gz(gazette, ['new', '--db', db, '--title', EN_TITLE, '--summary', EN_SUMMARY,
        '--publish', '-'], EN_BODY));
    const fa = createdPath(gz(gazette, ['new', '--db', db, '--title', FA_TITLE, '--lang', 'fa',
        '--summary', FA_SUMMARY, '--publish', '-'], FA_BODY));
    /* Every published title, to recognise sidebar entries as real titles.
     * Columns of `gazette list` are separated by two or more spaces. */
    const titles = new Set();
    for (const line of gz(gazette, ['list', '--db', db, '--limit', '1000']).split('\n')) {
        const cols = line.trim().split(/\s{2,}/);
        if (cols.length >= 4 && /^\d+$/.test(cols[0])) titles.add(cols.slice(3).join('  '));
    }
    return { db, en, fa, titles };
}

function freePort() {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.on('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const { port } = srv.address();
            srv.close(() => resolve(port));
        });
    });
}

async function startServer(gazette, db, port, theme, extra = []) {
    const base = `http://127.0.0.1:${port}`;
    const args = ['serve', '--db', db, '--listen', '127.0.0.1', '--port', String(port), '--threads', '1',
        '--set', `site.url=${base}`, ...extra];
    if (theme) args.push('--theme', theme);
    // Sanitizer builds: the project's LeakSanitizer suppressions (h2o's own
    // free lists) unless the caller set options already.
    const env = { ...process.env };
    env.LSAN_OPTIONS ??= `suppressions=${path.join(here, '..', 'lsan.supp')}:print_suppressions=0`;
    const child = spawn(gazette, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`gazette serve exited ${child.exitCode}:\n${log}`);
        try {
            const r = await fetch(`${base}/healthz`);
            if (r.ok) return { child, base, log: () => log };
        } catch {
            /* not listening yet */
        }
        await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGTERM');
    throw new Error(`gazette serve did not answer /healthz within 10 s:\n${log}`);
}

/* SIGTERM, then SIGKILL after limitMs; resolves to the exit code (or the
 * signal name when killed). */
function stopServer(child, limitMs) {
    return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
            resolve(child.exitCode ?? child.signalCode);
            return;
        }
        const t = setTimeout(() => child.kill('SIGKILL'), limitMs);
        child.on('exit', (code, sig) => {
            clearTimeout(t);
            resolve(code ?? sig);
        });
        child.kill('SIGTERM');
    });
}

/* ---- page helpers ------------------------------------------------------- */

/* Records console errors, uncaught exceptions and CSP violations of a page.
 * The securitypolicyviolation listener is added through an init script,
 * which the DevTools protocol injects regardless of the page's CSP. */
async function watchPage(page) {
    const problems = [];
    page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.addInitScript(() => {
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) => {
            window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
        });
    });
    return async () => {
        const csp = await page.evaluate(() => window.__cspViolations || []).catch(() => []);
        return problems.concat(csp.map((v) => `CSP violation: ${v}`));
    };
}

async function openPage(browser, device, url) {
    const context = await browser.newContext(device);
    try {
        const page = await context.newPage();
        const problems = await watchPage(page);
        const resp = await page.goto(url, { waitUntil: 'load' });
        assert(resp && resp.status() === 200, `GET ${url}: status ${resp && resp.status()}`);
        return { context, page, problems };
    } catch (err) {
        await context.close();
        throw err;
    }
}

/* Opens url in a fresh context and runs body; a page that fails to load is
 * one failure, and the other sections still run. */
async function withPage(browser, label, device, url, body) {
    let opened = null;
    await check(`${label}: page loads (200)`, async () => {
        opened = await openPage(browser, device, url);
    });
    if (!opened) return;
    try {
        await body(opened);
    } catch (err) {
        await check(`${label}: (unexpected error)`, () => Promise.reject(err));
    } finally {
        await opened.context.close();
    }
}

function box(page, selector) {
    return page.locator(selector).first().boundingBox();
}

async function expectOneH1(page, title) {
    const h1s = await page.locator('h1').allInnerTexts();
    assertEq(h1s.length, 1, 'number of h1 elements');
    assertEq(h1s[0].trim(), title, 'h1 text');
    assert(await page.locator('h1').isVisible(), 'h1 is not visible');
}

/* The block headings in the page's language (src/render/i18n.c): a
 * Persian page speaks Persian around its article. */
const BLOCK_HEADINGS = {
    en: ['New Articles', 'Most viewed'],
    fa: ['تازه\u200cترین مطالب', 'پربازدیدترین\u200cها'],
};

/* Both sidebar blocks: visible heading, 5 entries, each a known title link
 * followed by a visible, non-empty teaser. */
async function expectBlocks(page, titles, lang = 'en') {
    const [newHeading, topHeading] = BLOCK_HEADINGS[lang];
    for (const [id, heading] of [['new-articles', newHeading], ['most-viewed', topHeading]]) {
        const block = page.locator(`#${id}`);
        const h = block.getByRole('heading', { name: heading, exact: true });
        assert(await h.isVisible(), `#${id}: heading "${heading}" not visible`);
        const items = block.locator('li');
        assertEq(await items.count(), 5, `#${id}: number of entries`);
        for (let i = 0; i < 5; i++) {
            const info = await items.nth(i).evaluate((li) => {
                const kids = [...li.children];
                const a = kids[0];
                const teaser = kids[1];
                const vis = (el) => !!el && el.getClientRects().length > 0 &&
                    getComputedStyle(el).visibility !== 'hidden';
                return {
                    firstTag: a ? a.tagName : null,
                    href: a ? a.getAttribute('href') : null,
                    title: a ? a.textContent.trim() : '',
                    titleVisible: vis(a),
                    teaserTag: teaser ? teaser.tagName : null,
                    teaser: teaser ? teaser.textContent.trim() : '',
                    teaserVisible: vis(teaser),
                    /* the teaser is laid out under the title, not beside it */
                    below: a && teaser ? teaser.getBoundingClientRect().top >= a.getBoundingClientRect().bottom - 1 : false,
                };
            });
            const where = `#${id} entry ${i + 1}`;
            assertEq(info.firstTag, 'A', `${where}: first element`);
            assert(info.href && info.href.startsWith('/'), `${where}: link href ${info.href}`);
            assert(titles.has(info.title), `${where}: link text "${info.title}" is not an article title`);
            assert(info.titleVisible, `${where}: title link not visible`);
            assert(info.teaserTag === 'P' && info.teaser.length > 0, `${where}: no teaser after the title`);
            assert(info.teaser !== info.title, `${where}: teaser just repeats the title`);
            assert(info.teaserVisible, `${where}: teaser not visible`);
            assert(info.below, `${where}: teaser is not below the title`);
        }
    }
}

/* On a phone (isMobile) Chromium widens the layout viewport to fit content
 * that overflows, so innerWidth alone hides the overflow: compare with the
 * device width too. */
async function expectNoHorizontalScroll(page) {
    const device = page.viewportSize().width;
    const { sw, iw, cw, flipped } = await page.evaluate(() => {
        const els = [...document.querySelectorAll('body *')];
        return {
            sw: document.scrollingElement.scrollWidth,
            iw: window.innerWidth,
            cw: document.documentElement.clientWidth,
            /* an outside list marker of an item whose direction differs from
             * its list's hangs on the side without list padding */
            flipped: els.filter((e) => e.tagName === 'LI' && e.parentElement &&
                getComputedStyle(e).listStylePosition === 'outside' &&
                getComputedStyle(e).direction !== getComputedStyle(e.parentElement).direction).length,
        };
    });
    let hint = '';
    if (flipped) hint += `; ${flipped} <li> with a direction opposite to their list's have outside markers, which hang past the list's unpadded edge`;
    assert(sw <= iw && sw <= device && iw <= device,
        `page scrolls sideways: scrollWidth ${sw}, innerWidth ${iw}, clientWidth ${cw}, device width ${device}${hint}`);
}

async function expectSidebarBelow(page) {
    const art = await box(page, 'article.article');
    const side = await box(page, 'aside.sidebar');
    assert(art && side, 'article or sidebar missing');
    assert(side.y > art.y + art.height,
        `sidebar top ${side.y} is not below the article bottom ${art.y + art.height}`);
}

/* Beside: the two overlap vertically and not horizontally. On a right-to-left
 * page the grid mirrors, so the sidebar is on the left. */
async function expectSidebarBeside(page, rtl) {
    const art = await box(page, 'article.article');
    const side = await box(page, 'aside.sidebar');
    assert(art && side, 'article or sidebar missing');
    assert(side.y < art.y + art.height && art.y < side.y + side.height,
        `sidebar (top ${side.y}) does not sit beside the article (top ${art.y}, bottom ${art.y + art.height})`);
    if (rtl)
        assert(side.x + side.width <= art.x + 1,
            `RTL: sidebar (x ${side.x}..${side.x + side.width}) is not left of the article (x ${art.x})`);
    else
        assert(side.x >= art.x + art.width - 1,
            `sidebar (x ${side.x}) is not right of the article (right ${art.x + art.width})`);
}

async function expectClean(problems) {
    const list = await problems();
    assert(list.length === 0, list.join('\n'));
}

/* Right-to-left as a reader sees it: dir attributes, computed direction, and
 * the lines of text hug the right edge of their box. */
async function expectRtl(page) {
    assertEq(await page.getAttribute('html', 'dir'), 'rtl', 'html dir');
    assertEq(await page.getAttribute('html', 'lang'), 'fa', 'html lang');
    assertEq(await page.getAttribute('article.article', 'dir'), 'rtl', 'article dir');
    const info = await page.evaluate(() => {
        const out = [];
        for (const sel of ['article.article h1', 'article.article .article-body p']) {
            const el = document.querySelector(sel);
            if (!el) {
                out.push({ sel, missing: true });
                continue;
            }
            const cs = getComputedStyle(el);
            const range = document.createRange();
            range.selectNodeContents(el);
            const rects = [...range.getClientRects()];
            const eb = el.getBoundingClientRect();
            /* the last line is the shortest; it shows the alignment */
            const last = rects[rects.length - 1];
            out.push({
                sel,
                direction: cs.direction,
                textAlign: cs.textAlign,
                gapRight: eb.right - last.right,
                gapLeft: last.left - eb.left,
            });
        }
        return out;
    });
    for (const i of info) {
        assert(!i.missing, `${i.sel} missing`);
        assertEq(i.direction, 'rtl', `${i.sel} computed direction`);
        assert(i.gapRight <= 2 && i.gapRight <= i.gapLeft,
            `${i.sel} is not right-aligned (text-align ${i.textAlign}; last line: ${i.gapLeft.toFixed(1)}px free on the left, ${i.gapRight.toFixed(1)}px on the right)`);
    }
}

/* ---- axe-core ----------------------------------------------------------- */

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/* Injects axe through the DevTools protocol (page.evaluate is not subject to
 * the page's CSP); only if that fails does the caller retry with bypassCSP. */
async function runAxe(browser, url, device, label, extra = {}) {
    let ctx = await browser.newContext({ ...device, ...extra });
    let page = await ctx.newPage();
    try {
        await page.goto(url, { waitUntil: 'load' });
        try {
            await page.evaluate(AXE_SOURCE);
            assert(await page.evaluate(() => typeof window.axe === 'object'), 'axe not defined');
        } catch {
            await ctx.close();
            ctx = await browser.newContext({ ...device, ...extra, bypassCSP: true });
            page = await ctx.newPage();
            await page.goto(url, { waitUntil: 'load' });
            await page.addScriptTag({ content: AXE_SOURCE });
        }
        const res = await page.evaluate(() =>
            window.axe.run(document).then((r) => {
                const brief = (v) => ({
                    id: v.id,
                    impact: v.impact,
                    help: v.help,
                    targets: v.nodes.map((n) => n.target.join(' ')),
                    summary: v.nodes[0] ? v.nodes[0].failureSummary : '',
                });
                return { violations: r.violations.map(brief), incomplete: r.incomplete.map(brief) };
            }));
        if (res.violations.length) {
            const lines = res.violations.map((v) => `${v.id} [${v.impact}] ${v.help}\n  targets: ${v.targets.join(', ')}` +
                (v.summary ? `\n  ${v.summary.split('\n').join('\n  ')}` : ''));
            throw new Error(`${res.violations.length} axe violation(s) on ${label}:\n${lines.join('\n')}`);
        }
        /* "incomplete" = axe could not decide (e.g. overlapping boxes hide the
         * background colour); not a failure, but worth a look. */
        if (res.incomplete.length)
            return `needs review: ${res.incomplete.map((v) => `${v.id} (${v.targets.slice(0, 3).join(', ')})`).join('; ')}`;
        return '';
    } finally {
        await ctx.close();
    }
}

/* ---- the tests ---------------------------------------------------------- */

async function runTests(browser, site, base, out) {
    const enUrl = base + site.en;
    const faUrl = base + site.fa;
    const shot = (page, name) => page.screenshot({ path: path.join(out, name), fullPage: true });

    await check('server answers /healthz and serves the stylesheet', async () => {
        const r = await fetch(`${base}/assets/style.css`);
        assertEq(r.status, 200, 'style.css status');
        assert((r.headers.get('content-type') || '').startsWith('text/css'), 'style.css content type');
    });

    /* English article, desktop */
    await withPage(browser, 'desktop EN', DESKTOP, enUrl, async ({ page, problems }) => {
        await check('desktop EN: h1 is the article title', () => expectOneH1(page, EN_TITLE));
        await check('desktop EN: summary is shown under the title', async () => {
            const s = page.locator('article.article .article-summary');
            assert(await s.isVisible(), 'summary not visible');
            assertEq((await s.innerText()).trim(), EN_SUMMARY, 'summary text');
        });
        await check('desktop EN: New Articles and Most viewed blocks, 5 entries each with teasers',
            () => expectBlocks(page, site.titles));
        await check('desktop EN: sidebar is beside the article', () => expectSidebarBeside(page, false));
        await check('desktop EN: no horizontal scrolling', () => expectNoHorizontalScroll(page));
        await check('desktop EN: first Tab shows the skip link, which targets main', async () => {
            await page.keyboard.press('Tab');
            const f = await page.evaluate(() => {
                const a = document.activeElement;
                const r = a.getBoundingClientRect();
                return { cls: a.className, href: a.getAttribute('href'), top: r.top, bottom: r.bottom };
            });
            assertEq(f.cls, 'skip-link', 'focused element class');
            assert(f.bottom > 0 && f.top < 900, `skip link focused but off screen (top ${f.top})`);
            assert(await page.locator(f.href).count() === 1, `skip link target ${f.href} missing`);
            await page.keyboard.press('Escape');
            await page.evaluate(() => document.activeElement.blur());
        });
        await check('desktop EN: screenshot article-desktop.png', () => shot(page, 'article-desktop.png'));
        await check('desktop EN: no console errors or CSP violations', () => expectClean(problems));
        await check('desktop EN: clicking the first New Articles link opens that article', async () => {
            const link = page.locator('#new-articles li a').first();
            const title = (await link.innerText()).trim();
            const href = await link.getAttribute('href');
            await Promise.all([page.waitForURL((u) => u.pathname === new URL(href, base).pathname), link.click()]);
            await page.waitForLoadState('load');
            const h1 = (await page.locator('h1').first().innerText()).trim();
            assertEq(h1, title, 'h1 after navigation');
            await expectClean(problems);
        });
    });

    /* English article, phone */
    await withPage(browser, 'phone EN', PHONE, enUrl, async ({ page, problems }) => {
        await check('phone EN: h1 is the article title', () => expectOneH1(page, EN_TITLE));
        await check('phone EN: both blocks with 5 entries and teasers', () => expectBlocks(page, site.titles));
        await check('phone EN: sidebar is below the article', () => expectSidebarBelow(page));
        await check('phone EN: no horizontal scrolling', () => expectNoHorizontalScroll(page));
        await check('phone EN: body text is at least 16 CSS px', async () => {
            const px = await page.evaluate(() =>
                parseFloat(getComputedStyle(document.querySelector('.article-body p')).fontSize));
            assert(px >= 16, `body text is ${px}px`);
        });
        await check('phone EN: screenshot article-phone.png', () => shot(page, 'article-phone.png'));
        await check('phone EN: no console errors or CSP violations', () => expectClean(problems));
    });

    /* Persian article, phone and desktop */
    await withPage(browser, 'phone RTL', PHONE, faUrl, async ({ page, problems }) => {
        await check('phone RTL: h1 is the Persian title', () => expectOneH1(page, FA_TITLE));
        await check('phone RTL: html/article dir="rtl", text right-aligned', () => expectRtl(page));
        await check('phone RTL: both blocks with 5 entries and teasers, headings in Persian',
            () => expectBlocks(page, site.titles, 'fa'));
        await check('phone RTL: sidebar is below the article', () => expectSidebarBelow(page));
        await check('phone RTL: no horizontal scrolling', () => expectNoHorizontalScroll(page));
        await check('phone RTL: screenshot article-rtl-phone.png', () => shot(page, 'article-rtl-phone.png'));
        await check('phone RTL: no console errors or CSP violations', () => expectClean(problems));
    });
    await withPage(browser, 'desktop RTL', DESKTOP, faUrl, async ({ page, problems }) => {
        await check('desktop RTL: h1 is the Persian title', () => expectOneH1(page, FA_TITLE));
        await check('desktop RTL: html/article dir="rtl", text right-aligned', () => expectRtl(page));
        await check('desktop RTL: sidebar is beside the article, mirrored to the left',
            () => expectSidebarBeside(page, true));
        await check('desktop RTL: no horizontal scrolling', () => expectNoHorizontalScroll(page));
        await check('desktop RTL: screenshot article-rtl-desktop.png', () => shot(page, 'article-rtl-desktop.png'));
        await check('desktop RTL: Persian words and date around the article', async () => {
            const heading = page.locator('#new-articles h2');
            assertEq((await heading.innerText()).trim(), BLOCK_HEADINGS.fa[0], 'New Articles in Persian');
            const date = (await page.locator('article.article time').innerText()).trim();
            assert(/^[\u06F0-\u06F9]+ \S+ [\u06F0-\u06F9]{4}$/.test(date), `date not in Persian digits: ${date}`);
        });
        await check('desktop RTL: screenshot fa-article.png', () => shot(page, 'fa-article.png'));
        await check('desktop RTL: no console errors or CSP violations', () => expectClean(problems));
    });

    /* Home page */
    await withPage(browser, 'desktop home', DESKTOP, `${base}/`, async ({ page, problems }) => {
        await check('desktop home: lists articles with links to them', async () => {
            const n = await page.locator('main a[href^="/20"]').count();
            assert(n >= 5, `only ${n} article links on the home page`);
            assert(await page.getByRole('link', { name: EN_TITLE, exact: true }).first().isVisible(),
                'the new English article is not listed');
        });
        await check('desktop home: no horizontal scrolling', () => expectNoHorizontalScroll(page));
        await check('desktop home: screenshot home-desktop.png', () => shot(page, 'home-desktop.png'));
        await check('desktop home: no console errors or CSP violations', () => expectClean(problems));
    });

    /* Search: the header's form, a results page with the words marked */
    await withPage(browser, 'desktop search', DESKTOP, `${base}/`, async ({ page, problems }) => {
        await check('desktop search: the header form opens /search', async () => {
            await page.locator('#site-search-q').fill('ferry timetable');
            await Promise.all([page.waitForURL((u) => u.pathname === '/search'),
                page.locator('.site-search button').click()]);
            await page.waitForLoadState('load');
        });
        await check('desktop search: the article is found, its words marked', async () => {
            const titles = await page.locator('.search-results .article-item-title').allInnerTexts();
            assert(titles.map((t) => t.trim()).includes(EN_TITLE), `not found in ${titles.join(' | ')}`);
            assert(await page.locator('.search-results mark').count() >= 2, 'no <mark> in the results');
            assertEq(await page.locator('#site-search-q').inputValue(), 'ferry timetable', 'query kept');
        });
        await check('desktop search: no horizontal scrolling', () => expectNoHorizontalScroll(page));
        await check('desktop search: screenshot search-desktop.png', () => shot(page, 'search-desktop.png'));
        await check('desktop search: no console errors or CSP violations', () => expectClean(problems));
    });

    /* Accessibility: axe-core, every rule it runs by default */
    await check('axe: English article (desktop, light)', () => runAxe(browser, enUrl, DESKTOP, 'English article'));
    await check('axe: English article (desktop, dark scheme)',
        () => runAxe(browser, enUrl, DESKTOP, 'English article, dark', { colorScheme: 'dark' }));
    await check('axe: Persian RTL article (phone)', () => runAxe(browser, faUrl, PHONE, 'RTL article'));
    await check('axe: Persian RTL article (desktop)', () => runAxe(browser, faUrl, DESKTOP, 'RTL article'));
    await check('axe: home page (desktop)', () => runAxe(browser, `${base}/`, DESKTOP, 'home page'));
    await check('axe: search results (desktop)',
        () => runAxe(browser, `${base}/search?q=ferry`, DESKTOP, 'search page'));
}

async function main() {
    const opts = parseArgs(process.argv.slice(2));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gazette-browser-'));
    const out = opts.out || path.join(dir, 'screenshots');
    mkdirSync(out, { recursive: true });
    let server = null;
    let browser = null;
    const watchdog = setTimeout(() => {
        console.log(`FAIL - the whole run took over ${HARD_LIMIT_MS / 1000} s`);
        console.log(`${results.passed} passed, ${results.failed + 1} failed`);
        if (server) server.child.kill('SIGKILL');
        process.exit(1);
    }, HARD_LIMIT_MS);
    watchdog.unref();
    try {
        const site = makeSite(opts.gazette, dir);
        const port = await freePort();
        server = await startServer(opts.gazette, site.db, port, opts.theme);
        browser = await chromium.launch({ executablePath: opts.chromium, args: CHROMIUM_ARGS });
        await runTests(browser, site, server.base, out);
        /* content safety (xss.mjs): its own site and server, same browser */
        await runXssChecks(browser, { gazette: opts.gazette, theme: opts.theme, dir, check, assert,
            startServer, stopServer, freePort });
        /* the web admin (admin.mjs): its own site and server, same browser */
        await runAdminChecks(browser, { gazette: opts.gazette, dir, out, check, assert, startServer,
            stopServer, freePort,
            shot: (page, name) => page.screenshot({ path: path.join(out, name), fullPage: true }) });
        /* the readership dashboard (stats.mjs): its own site and server, same browser */
        await runStatsChecks(browser, { gazette: opts.gazette, dir, check, assert, startServer, stopServer,
            freePort, shot: (page, name) => page.screenshot({ path: path.join(out, name), fullPage: true }) });
        /* readership (readers.mjs): the view beacon, its own site and server */
        await runReadersChecks(browser, { gazette: opts.gazette, dir, check, assert, startServer,
            stopServer, freePort });
        await check('server is still running after the tests', () =>
            assert(server.child.exitCode === null && server.child.signalCode === null,
                `gazette exited (${server.child.exitCode ?? server.child.signalCode})`));
        if (browser) await browser.close().catch(() => {});
        browser = null;
        await check('server exits cleanly on SIGTERM (status 0, no sanitizer report)', async () => {
            const code = await stopServer(server.child, 10_000);
            const bad = server.log().split('\n').filter((l) =>
                /AddressSanitizer|LeakSanitizer|runtime error:|ThreadSanitizer|\[error\]/.test(l));
            assert(code === 0 && bad.length === 0,
                `exit ${code}${bad.length ? `; log:\n${bad.slice(0, 10).join('\n')}` : ''}`);
        });
        console.log(`screenshots: ${out}`);
        if (results.failed) console.log(`server log (last lines):\n${server.log().split('\n').slice(-20).join('\n')}`);
    } catch (err) {
        results.failed++;
        console.log(`FAIL - setup: ${err && err.stack ? err.stack : err}`);
        if (server) console.log(`server log:\n${server.log()}`);
    } finally {
        if (browser) await browser.close().catch(() => {});
        if (server && server.child.exitCode === null && server.child.signalCode === null)
            await stopServer(server.child, 3000);
        /* screenshots may live inside dir when --out was not given */
        if (opts.out) rmSync(dir, { recursive: true, force: true });
        else for (const f of ['site.db', 'site.db-wal', 'site.db-shm']) rmSync(path.join(dir, f), { force: true });
    }
    console.log(`${results.passed} passed, ${results.failed} failed`);
    process.exit(results.failed ? 1 : 0);
}

main();

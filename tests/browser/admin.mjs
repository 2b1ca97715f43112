/* The web admin in Chromium: what an editor does, click by click.
 *
 * Its own site (a few demo articles and one administrator), its own server.
 * Logs in through the form, writes an article watching the live preview,
 * publishes it and finds it on the home page and in New Articles, schedules
 * one and sees it go live by itself, edits an article and restores the
 * earlier revision, uploads an image and uses it, checks the admin pages
 * with axe-core and for console or CSP errors at desktop and phone widths
 * (screenshots saved as admin-*.png), and logs out.
 *
 * Then the XSS corpus goes in through the admin's own form (title, summary,
 * body, tags, slug) and every admin page that shows it, and the public
 * pages, are probed with xss.mjs's hooks: nothing may run.
 *
 * Called from run.mjs with its browser and helpers, so the checks count in
 * its totals. */

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';

import { loadVectors, newProbe, probe } from './xss.mjs';

const require = createRequire(import.meta.url);
const USER = 'editor-in-chief';
const PASSWORD = 'correct horse battery';
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const GROUP = 10;

function gz(gazette, args, input) {
    return execFileSync(gazette, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/* A small valid PNG (w x h, one colour), built here so the test needs no file. */
function png(w, h) {
    const crcTable = Array.from({ length: 256 }, (_, n) => {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        return c >>> 0;
    });
    const crc = (buf) => {
        let c = 0xffffffff;
        for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
        return (c ^ 0xffffffff) >>> 0;
    };
    const chunk = (type, data) => {
        const len = Buffer.alloc(4);
        len.writeUInt32BE(data.length);
        const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
        const c = Buffer.alloc(4);
        c.writeUInt32BE(crc(td));
        return Buffer.concat([len, td, c]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(w, 0);
    ihdr.writeUInt32BE(h, 4);
    ihdr[8] = 8; /* bit depth */
    ihdr[9] = 2; /* truecolour */
    const rows = [];
    for (let y = 0; y < h; y++) {
        rows.push(Buffer.from([0]));
        for (let x = 0; x < w; x++) rows.push(Buffer.from([200, 60 + (x % 100), 40]));
    }
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/* Console errors, page errors and CSP violations of a page. */
function watch(page) {
    const problems = [];
    page.on('console', (m) => {
        if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    return problems;
}

/* axe-core through the DevTools protocol, which the page's CSP does not
 * govern (a script tag would be refused, as it should). */
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function axe(page) {
    await page.evaluate(AXE);
    const r = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }));
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

/* "YYYY-MM-DDTHH:MM:SS" in UTC, for a datetime-local field read as UTC. */
function utcLocal(ms) {
    return new Date(ms).toISOString().slice(0, 19);
}

async function login(page, base) {
    await page.goto(`${base}/admin`);
    await page.fill('#name', USER);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/admin`), page.click('button[type=submit]')]);
}

/* Fills the editor and saves; returns the article's edit URL. */
async function writeArticle(page, base, { title, summary, body, status, publishAt, tags }) {
    await page.goto(`${base}/admin/articles/new`);
    await page.fill('#title', title);
    if (summary) await page.fill('#summary', summary);
    await page.fill('#body', body);
    if (tags) await page.fill('#tags', tags);
    await page.selectOption('#status', status);
    if (publishAt) await page.fill('#publish_at', publishAt);
    await Promise.all([page.waitForURL(/\/admin\/articles\/\d+/), page.click('button[name=action][value=save]')]);
    return page.url();
}

async function publicHtml(base, p) {
    const r = await fetch(base + p);
    return { status: r.status, html: await r.text() };
}

/* The link to an article on the public site, from its title, on the home
 * page's list and in the New Articles block. */
function newArticlesTitles(html) {
    const m = /<section[^>]*id="new-articles"[^>]*>([\s\S]*?)<\/section>/.exec(html);
    return m ? m[1] : '';
}

export async function runAdminChecks(browser, helpers) {
    const { gazette, dir, out, check, assert, startServer, stopServer, freePort, shot } = helpers;
    const db = path.join(dir, 'admin.db');
    let server = null;
    await check('admin: a site with an administrator (gazette user add)', async () => {
        gz(gazette, ['demo', '--db', db, '--articles', '12', '--seed', '3']);
        gz(gazette, ['user', 'add', USER, '--role', 'admin', '--db', db, '--password-stdin'], PASSWORD + '\n');
        /* a long flush interval: what the admin changes must show at once,
         * not at the next periodic flush */
        server = await startServer(gazette, db, await freePort(), null, ['--set', 'views.flush_ms=60000',
            '--set', `media.dir=${path.join(dir, 'admin-media')}`]);
    });
    if (!server) return;
    const base = server.base;
    const context = await browser.newContext(DESKTOP);
    const page = await context.newPage();
    page.on('dialog', (d) => d.accept().catch(() => {}));
    const problems = watch(page);
    const title = 'Night trains return to the coast line';
    let editUrl = null;
    try {
        await check('admin: /admin sends a stranger to the login form', async () => {
            await page.goto(`${base}/admin/articles`);
            assert(/\/admin\/login/.test(page.url()), `at ${page.url()}`);
            await shot(page, 'admin-login.png');
            const v = await axe(page);
            assert(v.length === 0, `axe: ${v.join('; ')}`);
        });
        await check('admin: a wrong password is refused without saying which field was wrong', async () => {
            await page.fill('#name', USER);
            await page.fill('#password', 'not the password');
            await page.click('button[type=submit]');
            const msg = await page.textContent('[role=alert]');
            assert(/wrong user name or password/i.test(msg), `message: ${msg}`);
            /* the 401 itself is logged by the browser: not a problem of the page */
            problems.length = 0;
        });
        await check('admin: logging in shows the dashboard', async () => {
            await login(page, base);
            assert(await page.isVisible('text=Dashboard'), 'no dashboard heading');
            await shot(page, 'admin-dashboard.png');
        });
        await check('admin: the live preview renders the Markdown as the site will', async () => {
            await page.goto(`${base}/admin/articles/new`);
            await page.fill('#title', title);
            await page.fill('#body', 'The line reopens in **May**.\n\n## Timetable\n\n- Friday\n- Saturday\n');
            await page.waitForSelector('#preview h2', { timeout: 10_000 });
            const strong = await page.textContent('#preview strong');
            const items = await page.$$eval('#preview li', (li) => li.map((x) => x.textContent));
            assert(strong === 'May' && items.join(',') === 'Friday,Saturday', `preview: ${strong} ${items}`);
            await shot(page, 'admin-editor.png');
            const v = await axe(page);
            assert(v.length === 0, `axe: ${v.join('; ')}`);
        });
        await check('admin: publishing puts the article on the home page and in New Articles at once', async () => {
            await page.fill('#summary', 'Sleeper services resume after four years.');
            await page.selectOption('#status', 'published');
            await Promise.all([page.waitForURL(/\/admin\/articles\/\d+/), page.click('button[name=action][value=save]')]);
            editUrl = page.url();
            const home = await publicHtml(base, '/');
            assert(home.html.includes(title), 'not on the home page');
            assert(newArticlesTitles(home.html).includes(title), 'not in New Articles');
        });
        await check('admin: a scheduled article stays off the site, then goes live by itself', async () => {
            const sched = 'Harbour festival opens on Saturday';
            await writeArticle(page, base, { title: sched, body: 'Stalls and music.', status: 'scheduled',
                publishAt: utcLocal(Date.now() + 4000) });
            let home = await publicHtml(base, '/');
            assert(!home.html.includes(sched), 'scheduled article already on the home page');
            const deadline = Date.now() + 20_000;
            while (Date.now() < deadline && !home.html.includes(sched)) {
                await new Promise((r) => setTimeout(r, 250));
                home = await publicHtml(base, '/');
            }
            assert(home.html.includes(sched), 'the scheduled article never went live');
        });
        await check('admin: an edit shows at once; restoring the earlier revision brings the old text back', async () => {
            assert(editUrl, 'no article to edit');
            await page.goto(editUrl);
            await page.fill('#body', 'CHANGED: the line stays closed.');
            await Promise.all([page.waitForNavigation(), page.click('button[name=action][value=save]')]);
            const href = await page.getAttribute('a:has-text("View on the site")', 'href');
            const articlePath = href && new URL(href, base).pathname;
            assert(articlePath, 'the editor links to no public page');
            let pub = await publicHtml(base, articlePath);
            assert(pub.html.includes('CHANGED'), 'the edit is not on the site');
            await page.goto(`${editUrl}/revisions`);
            await shot(page, 'admin-revisions.png');
            const rows = await page.$$('form[action$="/restore"] button');
            assert(rows.length >= 1, 'no earlier revision to restore');
            /* oldest last: restore the revision that had the published text */
            const forms = await page.$$eval('form[action$="/restore"]', (fs) => fs.map((f) => f.getAttribute('action')));
            await page.goto(base + forms[0].replace(/\/restore$/, ''));
            assert(await page.isVisible('.diff'), 'no diff on the revision page');
            await shot(page, 'admin-diff.png');
            await Promise.all([page.waitForNavigation(), page.click('form[action$="/restore"] button')]);
            pub = await publicHtml(base, articlePath);
            assert(pub.html.includes('<strong>May</strong>') && !pub.html.includes('CHANGED'),
                'the restored text is not on the site');
        });
        let imageUrl = null;
        await check('admin: uploading an image lists it in the media library and serves it', async () => {
            await page.goto(`${base}/admin/media`);
            await page.setInputFiles('#media-file', { name: 'coast.png', mimeType: 'image/png', buffer: png(24, 16) });
            await Promise.all([page.waitForNavigation(), page.click('.media-upload button[type=submit]')]);
            imageUrl = await page.inputValue('#uploaded-url').catch(() => null);
            if (!imageUrl) imageUrl = await page.$eval('.media-url', (i) => i.value);
            assert(/^\/media\/[0-9a-f]{2}\/[0-9a-f]{64}\.png$/.test(imageUrl), `url ${imageUrl}`);
            const r = await fetch(base + imageUrl);
            assert(r.status === 200 && /immutable/.test(r.headers.get('cache-control')), `GET ${r.status}`);
            await shot(page, 'admin-media.png');
        });
        await check('admin: the image goes into an article from the editor and shows on the site', async () => {
            assert(imageUrl && editUrl, 'nothing to insert');
            await page.goto(editUrl);
            await page.click('.insert-image');
            const body = await page.inputValue('#body');
            assert(body.includes(imageUrl), `body after insert: ${body.slice(0, 200)}`);
            await page.click('.feature-image');
            assert((await page.inputValue('#image')) === imageUrl, 'featured image field not set');
            await Promise.all([page.waitForNavigation(), page.click('button[name=action][value=save]')]);
            const home = await publicHtml(base, '/');
            const m = /href="(\/\d{4}\/\d{2}\/[^"]+)"[^>]*>Night trains/.exec(home.html);
            assert(m, 'article link not on the home page');
            const pub = await publicHtml(base, m[1]);
            assert(pub.html.includes(`src="${imageUrl}"`), 'the image is not in the public article');
        });
        await check('admin: the admin pages pass axe and fit a phone screen', async () => {
            const phone = await browser.newContext(PHONE);
            try {
                await phone.addCookies(await context.cookies());
                const p = await phone.newPage();
                const found = [];
                for (const [url, name] of [['/admin', 'dashboard'], ['/admin/articles', 'articles'],
                    ['/admin/articles/new', 'editor'], ['/admin/media', 'media'], ['/admin/users', 'users'],
                    ['/admin/settings', 'settings']]) {
                    await p.goto(base + url);
                    const wide = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
                    if (wide > 1) found.push(`${url}: ${wide}px of horizontal scrolling`);
                    found.push(...(await axe(p)).map((v) => `${url}: ${v}`));
                    await shot(p, `admin-phone-${name}.png`);
                }
                assert(found.length === 0, found.join('\n'));
            } finally {
                await phone.close();
            }
        });
        await check('admin: the article list, filtered, at desktop width', async () => {
            await page.goto(`${base}/admin/articles?status=published`);
            assert(await page.isVisible(`text=${title}`), 'the published article is not listed');
            await shot(page, 'admin-articles.png');
        });
        await check('admin: no console errors or CSP violations on any admin page', async () => {
            assert(problems.length === 0, problems.join('\n'));
        });
        await check('admin: logging out ends the session', async () => {
            await Promise.all([page.waitForNavigation(), page.click('.logout button[type=submit]')]);
            await page.goto(`${base}/admin/articles`);
            assert(/\/admin\/login/.test(page.url()), `still in at ${page.url()}`);
        });
        await xssThroughAdmin(browser, context, base, helpers);
    } finally {
        await context.close().catch(() => {});
        await check('admin: its server exits cleanly on SIGTERM', async () => {
            const code = await stopServer(server.child, 10_000);
            const bad = server.log().split('\n').filter((l) =>
                /AddressSanitizer|LeakSanitizer|runtime error:|\[error\]/.test(l));
            assert(code === 0 && bad.length === 0, `exit ${code}; ${bad.slice(0, 5).join('\n')}`);
        });
    }
}

/* The corpus through the admin's own form; then every admin page that shows
 * it, and the public article, probed for anything that runs. */
async function xssThroughAdmin(browser, context, base, helpers) {
    const { check, assert } = helpers;
    const { valid } = loadVectors();
    const page = await context.newPage();
    page.on('dialog', (d) => d.accept().catch(() => {}));
    const created = [];
    await check(`admin xss: ${valid.length} vectors saved through the editor (title, summary, body, tags, slug)`, async () => {
        await login(page, base);
        const csrf = await page.getAttribute('meta[name=csrf-token]', 'content');
        const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
        for (let i = 0; i < valid.length; i += GROUP) {
            const texts = valid.slice(i, i + GROUP).map((v) => v.text);
            /* within the editor's limits: a title of 500 bytes, tags of 100
             * bytes on one line (a longer one is refused, with its reason) */
            const title = Buffer.from(texts.join(' ')).subarray(0, 480).toString();
            const tags = texts.filter((t) => Buffer.byteLength(t) <= 100 && !/[\x00-\x1f\x7f,]/.test(t));
            const form = new URLSearchParams({ _csrf: csrf, title, summary: texts.join(' '),
                body: texts.join('\n\n'), tags: tags.join(','), slug: texts[0], status: 'published',
                lang: 'en', action: 'save' });
            const r = await fetch(`${base}/admin/articles/new`, { method: 'POST', redirect: 'manual',
                headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: form });
            if (r.status === 303) {
                created.push(new URL(r.headers.get('location'), base).pathname);
                continue;
            }
            /* a slug the editor refuses (it must say why): save without it */
            assert(r.status === 422, `group at ${i}: status ${r.status}`);
            form.set('slug', '');
            const r2 = await fetch(`${base}/admin/articles/new`, { method: 'POST', redirect: 'manual',
                headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: form });
            assert(r2.status === 303, `group at ${i} without its slug: status ${r2.status}`);
            created.push(new URL(r2.headers.get('location'), base).pathname);
        }
        assert(created.length >= 3, `only ${created.length} articles`);
    });
    await page.close();
    if (!created.length) return;
    /* The probe's own context, logged in with the same cookies. */
    const p = await newProbe(browser);
    try {
        await p.context.addCookies(await context.cookies());
        /* Clicking every element submits forms and opens confirm() dialogs
         * (the admin's own buttons): those are not findings here; alert()
         * and prompt() dialogs, __xss calls and CSP violations are. */
        const real = (list) => list.filter((x) => !/^dialog confirm:/.test(x));
        const pages = ['/admin', '/admin/articles', ...created, ...created.map((u) => `${u}/revisions`)];
        for (const url of pages) {
            await check(`admin xss: ${url}: nothing runs`, async () => {
                const problems = real(await probe(p, base + url, 200, true));
                assert(problems.length === 0, problems.join('\n'));
            });
        }
        await check('admin xss: the public pages of those articles: nothing runs', async () => {
            const home = await (await fetch(`${base}/`)).text();
            const links = [...home.matchAll(/href="(\/\d{4}\/\d{2}\/[^"]+)"/g)].map((m) => m[1]).slice(0, 6);
            assert(links.length > 0, 'no article links on the home page');
            const problems = [`${base}/`, ...links.map((l) => base + l)];
            const found = [];
            for (const u of problems) found.push(...(await probe(p, u, 200, true)).map((x) => `${u}: ${x}`));
            assert(found.length === 0, found.join('\n'));
        });
    } finally {
        await p.context.close().catch(() => {});
    }
}

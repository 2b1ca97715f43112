/* Content safety in Chromium: the XSS corpus (tests/fixtures/xss/vectors.txt)
 * published through every input that reaches a page today (Markdown body,
 * title, summary, tags, author; and the request path on the 404 page), then
 * every page carrying it opened with hooks that notice anything running:
 * window.__xss (called by every vector that runs), dialogs (alert), writes
 * to document.title, navigations and link activations to javascript:,
 * vbscript: or data: URLs, page errors, and CSP violations (the policy
 * blocking something means markup got through). The pages are hovered with
 * the real mouse, tabbed through, and every element gets synthetic mouse,
 * focus and click events, so event handlers get their chance.
 *
 * Vectors are published in groups (ten to an article) to keep the run
 * short; a call of __xss(N) still names its vector. The HTTP test
 * (tests/http/test_xss.py) checks each vector on its own article.
 *
 * Last, the policy itself: an article page served with an injected inline
 * script and event handler under gazette's real Content-Security-Policy
 * must not run them and must report violations; the same page without the
 * header must run them (so the probe can tell).
 *
 * Imported HTML (WXR) and search queries do not exist yet; when they land,
 * the corpus must go through them here too.
 *
 * Called from run.mjs with its browser, check() and server helpers, so the
 * checks count in its totals. */

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const CORPUS = path.join(here, '..', 'fixtures', 'xss', 'vectors.txt');
const GROUP = 10;
const BAD_SCHEME = /^(javascript|vbscript|data):/i;
const SETTINGS = ['site.per_page=100', 'site.sections=20', 'blocks.new_count=50'];
/* Real input is slow (a DevTools round trip each); synthetic events reach
 * every element anyway, so real hovering and tabbing are a sample: the
 * first elements of the article (or list), and the first tab stops. */
const MAX_HOVERS = 20;
const MAX_TABS = 8;
const PROBE = 999;

/* ---- the corpus (same format as test_xss.py reads) ---------------------- */

function decodeVector(line, n) {
    const bytes = [];
    const text = line.split('$N').join(String(n));
    const re = /\\x([0-9A-Fa-f]{2})|\\([ntr])/g;
    let pos = 0;
    for (let m; (m = re.exec(text));) {
        bytes.push(...Buffer.from(text.slice(pos, m.index), 'utf8'));
        if (m[1]) bytes.push(parseInt(m[1], 16));
        else bytes.push({ n: 10, t: 9, r: 13 }[m[2]]);
        pos = re.lastIndex;
    }
    bytes.push(...Buffer.from(text.slice(pos), 'utf8'));
    return Buffer.from(bytes);
}

/* [{ n, text }] of the vectors that are valid UTF-8 (the others are refused
 * by the CLI, which test_xss.py checks), and the total count. */
export function loadVectors() {
    const valid = [];
    let n = 0;
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    for (const line of readFileSync(CORPUS, 'utf8').split('\n')) {
        if (!line.trim() || line.startsWith('#')) continue;
        n++;
        try {
            valid.push({ n, text: utf8.decode(decodeVector(line, n)) });
        } catch {
            /* invalid UTF-8 */
        }
    }
    return { valid, total: n };
}

/* ---- the site ------------------------------------------------------------ */

function gz(gazette, args, input) {
    return execFileSync(gazette, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

function createdPath(out) {
    const m = /created article \d+ \(published\): (\S+)/.exec(out);
    if (!m) throw new Error(`unexpected output of gazette new: ${out}`);
    return new URL(m[1]).pathname;
}

/* Per group g: article xss-g carries the group in every field; xss-g-b in
 * title and body only, so its teaser is cut from the body's plain text. */
function makeSite(gazette, db, vectors) {
    gz(gazette, ['init', '--db', db]);
    const groups = [];
    for (let i = 0; i < vectors.length; i += GROUP) groups.push(vectors.slice(i, i + GROUP));
    const articles = [];
    groups.forEach((g, k) => {
        const texts = g.map((v) => v.text);
        const span = `vectors ${g[0].n}-${g[g.length - 1].n}`;
        const title = texts.join(' ');
        const body = texts.join('\n\n') + '\n';
        articles.push({ label: `group ${k + 1} (${span}), all fields`, path: createdPath(gz(gazette, ['new', '--db', db,
            '--title', title, '--summary', texts.join(' '), '--tags', texts.join(','),
            '--author', texts.join(' '), '--slug', `xss-${k + 1}`, '--publish', '-'], body)) });
        articles.push({ label: `group ${k + 1} (${span}), body teaser`, path: createdPath(gz(gazette, ['new', '--db', db,
            '--title', title, '--slug', `xss-${k + 1}-b`, '--publish', '-'], body)) });
    });
    return { articles, groups };
}

/* ---- probing a page ------------------------------------------------------- */

/* Hooks every document of the context gets before its own content runs
 * (init scripts are not subject to the page's CSP). */
function installHooks() {
    window.__xss = (n) => window.__xssReport(`__xss(${n})`);
    const desc = Object.getOwnPropertyDescriptor(Document.prototype, 'title');
    Object.defineProperty(Document.prototype, 'title', {
        configurable: true,
        get() {
            return desc.get.call(this);
        },
        set(v) {
            window.__xssReport(`document.title = ${JSON.stringify(String(v))}`);
            desc.set.call(this, v);
        },
    });
    document.addEventListener('securitypolicyviolation', (e) =>
        window.__xssReport(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`, 'csp'));
    /* Link activation: a scripting or data URL is a finding; any other link
     * is not followed, so the probe stays on its page. */
    document.addEventListener('click', (e) => {
        const a = e.target && e.target.closest ? e.target.closest('a[href], area[href]') : null;
        if (!a) return;
        if (/^\s*(javascript|vbscript|data):/i.test(a.href)) window.__xssReport(`link to ${a.href}`);
        else e.preventDefault();
    }, true);
    /* Forms are never sent; one that would go to another origin or to a
     * scripting URL is a finding (the site's own forms, such as search,
     * are not). */
    document.addEventListener('submit', (e) => {
        /* the attribute: form.action is shadowed by a field named "action" */
        const attr = e.target && e.target.getAttribute ? e.target.getAttribute('action') : null;
        const action = new URL(attr || '', location.href).href;
        if (!action.startsWith(location.origin + '/')) window.__xssReport(`a form was submitted to ${action}`);
        e.preventDefault();
    }, true);
}

/* Every element gets synthetic mouse, focus and click events: inline
 * handlers run on those as on real ones. */
function pokeEverything() {
    const els = [...document.querySelectorAll('body *')];
    for (const el of els) {
        for (const type of ['mouseover', 'mouseenter', 'mousemove', 'mousedown', 'mouseup', 'mouseout'])
            el.dispatchEvent(new MouseEvent(type, { bubbles: type !== 'mouseenter', cancelable: true }));
        el.dispatchEvent(new FocusEvent('focus'));
        el.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
        if (typeof el.focus === 'function') el.focus();
        if (typeof el.click === 'function') el.click();
        el.dispatchEvent(new Event('toggle'));
        el.dispatchEvent(new Event('error'));
        el.dispatchEvent(new Event('load'));
    }
    return els.length;
}

/* Centres of the content's elements inside the viewport (which is tall
 * enough for most pages), for the real mouse to pass over. */
function hoverTargets(max) {
    const out = [];
    const article = document.querySelector('.article-body');
    const sel = article ? '.article-body *, .article-header *' : 'main *';
    for (const el of document.querySelectorAll(sel)) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.height > 0 && r.bottom <= window.innerHeight)
            out.push({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
        if (out.length >= max) break;
    }
    return out;
}

export async function newProbe(browser) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 4000 } });
    const findings = [];
    const csp = [];
    await context.exposeBinding('__xssReport', ({ frame }, what, kind) => {
        (kind === 'csp' ? csp : findings).push(`${what} (in ${frame.url().slice(0, 80)})`);
    });
    await context.addInitScript(installHooks);
    /* only gazette is reachable: images on other hosts fail at once */
    await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
    const page = await context.newPage();
    page.on('dialog', (d) => {
        findings.push(`dialog ${d.type()}: ${d.message()}`);
        d.dismiss().catch(() => {});
    });
    page.on('pageerror', (err) => findings.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
        /* failed image loads are expected noise; refusals are not */
        if (/Content Security Policy|Refused to/i.test(msg.text())) csp.push(`console: ${msg.text()}`);
    });
    page.on('framenavigated', (f) => {
        if (BAD_SCHEME.test(f.url())) findings.push(`navigation to ${f.url()}`);
    });
    page.on('request', (req) => {
        if (BAD_SCHEME.test(req.url()) && req.resourceType() === 'document')
            findings.push(`document request to ${req.url().slice(0, 80)}`);
    });
    return { context, page, findings, csp };
}

/* Opens url in the probe's page, gives every handler its chance (real
 * mouse and keyboard too unless light), and returns what the hooks saw
 * (empty when clean). */
export async function probe(p, url, wantStatus, light = false) {
    p.findings.length = 0;
    p.csp.length = 0;
    const { page } = p;
    const resp = await page.goto(url, { waitUntil: 'load' });
    const problems = [];
    if (!resp || resp.status() !== wantStatus) problems.push(`status ${resp && resp.status()}, expected ${wantStatus}`);
    if (!light) {
        for (const t of await page.evaluate(hoverTargets, MAX_HOVERS)) await page.mouse.move(t.x, t.y);
        for (let i = 0; i < MAX_TABS; i++) await page.keyboard.press('Tab');
    }
    await page.evaluate(pokeEverything);
    /* let queued handlers (image errors, timers, iframe loads) run */
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 30))));
    if (page.url() !== resp?.url()) problems.push(`the page navigated away to ${page.url()}`);
    const title = await page.title();
    if (title === 'XSS') problems.push('document.title is "XSS"');
    /* one line per distinct finding, short enough to read */
    return [...new Set(problems.concat(p.findings, p.csp).map((x) => x.slice(0, 200)))];
}

/* ---- the checks ------------------------------------------------------------ */

/* helpers from run.mjs: { gazette, theme, dir, check, assert, startServer,
 * stopServer, freePort }; theme (may be null) is served as run.mjs serves it. */
export async function runXssChecks(browser, helpers) {
    const { gazette, theme, dir, check, assert, startServer, stopServer, freePort } = helpers;
    const { valid, total } = loadVectors();
    let site = null;
    let server = null;
    await check(`xss: corpus of ${total} vectors (${valid.length} valid UTF-8) published as body, title, summary, tags, author`, async () => {
        assert(total >= 60, `only ${total} vectors`);
        site = makeSite(gazette, path.join(dir, 'xss.db'), valid);
        server = await startServer(gazette, path.join(dir, 'xss.db'), await freePort(), theme,
            SETTINGS.flatMap((s) => ['--set', s]));
    });
    if (!site || !server) return;
    const base = server.base;
    let p = null;
    try {
        p = await newProbe(browser);
        const tagPaths = new Set();
        for (const art of site.articles) {
            await check(`xss: article, ${art.label}: nothing runs`, async () => {
                const problems = await probe(p, base + art.path, 200);
                const tags = await p.page.$$eval('a[rel="tag"]', (as) => as.map((a) => a.getAttribute('href')));
                if (tags.length) tagPaths.add(tags[0]);
                assert(problems.length === 0, problems.join('\n'));
            });
        }
        await check('xss: home page (every group\'s title, author, teaser; New Articles): nothing runs', async () => {
            const problems = await probe(p, `${base}/`, 200);
            assert(problems.length === 0, problems.join('\n'));
        });
        await check(`xss: ${tagPaths.size} tag pages (names in heading and navigation): nothing runs`, async () => {
            assert(tagPaths.size > 0, 'no tag links on the articles');
            const problems = [];
            for (const t of tagPaths) problems.push(...(await probe(p, base + t, 200, true)).map((x) => `${t}: ${x}`));
            assert(problems.length === 0, problems.join('\n'));
        });
        await check('xss: 404 pages showing a vector as the path: nothing runs', async () => {
            const problems = [];
            for (const g of site.groups) {
                const url = `${base}/${encodeURIComponent(g[0].text)}`;
                problems.push(...(await probe(p, url, 404, true)).map((x) => `vector ${g[0].n} as path: ${x}`));
            }
            assert(problems.length === 0, problems.join('\n'));
        });
        await cspProbe(browser, base + site.articles[0].path, check, assert);
    } finally {
        if (p) await p.context.close().catch(() => {});
        await check('xss: its server exits cleanly on SIGTERM', async () => {
            const code = await stopServer(server.child, 10_000);
            const bad = server.log().split('\n').filter((l) =>
                /AddressSanitizer|LeakSanitizer|runtime error:|\[error\]/.test(l));
            assert(code === 0 && bad.length === 0, `exit ${code}; ${bad.slice(0, 5).join('\n')}`);
        });
    }
}

/* An article page with an injected inline script and inline handler, served
 * under gazette's own policy (must be blocked and reported) and without any
 * policy (must run: the probe works). */
async function cspProbe(browser, articleUrl, check, assert) {
    const resp = await fetch(articleUrl);
    const policy = resp.headers.get('content-security-policy');
    const html = (await resp.text()).replace('<body>',
        `<body><script>window.__xss(${PROBE})</script><img src="/nonexistent.png" onerror="window.__xss(${PROBE + 1})">`);
    const serve = async (withPolicy) => {
        const p = await newProbe(browser);
        try {
            const url = `${new URL(articleUrl).origin}/__xss_csp_probe`;
            await p.page.route(url, (route) => route.fulfill({
                status: 200,
                headers: { 'content-type': 'text/html; charset=utf-8',
                    ...(withPolicy ? { 'content-security-policy': policy } : {}) },
                body: html,
            }));
            const consoleCsp = [];
            p.page.on('console', (m) => {
                if (/Content Security Policy/i.test(m.text())) consoleCsp.push(m.text());
            });
            await p.page.goto(url, { waitUntil: 'load' });
            await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 30))));
            return { ran: p.findings.filter((f) => f.startsWith('__xss(')), csp: p.csp, consoleCsp };
        } finally {
            await p.context.close().catch(() => {});
        }
    };
    await check('xss: gazette\'s CSP blocks an injected inline script and inline handler, and reports it', async () => {
        assert(policy, 'the article has no Content-Security-Policy header');
        const r = await serve(true);
        assert(r.ran.length === 0, `ran under the policy: ${r.ran.join(', ')}`);
        const violations = r.csp.filter((c) => c.startsWith('CSP violation'));
        assert(violations.length >= 2 || r.consoleCsp.length >= 2,
            `expected two CSP violations (script and handler), saw: ${[...r.csp, ...r.consoleCsp].join('; ') || 'none'}`);
    });
    await check('xss: without the CSP the same injected script runs (the probe can tell)', async () => {
        const r = await serve(false);
        assert(r.ran.some((f) => f.startsWith(`__xss(${PROBE})`)) && r.ran.some((f) => f.startsWith(`__xss(${PROBE + 1})`)),
            `expected __xss(${PROBE}) and __xss(${PROBE + 1}), saw: ${r.ran.join(', ') || 'nothing'}`);
    });
}

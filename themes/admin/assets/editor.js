// gazette admin: the article editor. The form works without this file
// (Save and Preview are plain submit buttons); this adds a live preview,
// the slug suggestion, tag autocomplete, autosave of drafts, the text
// direction of the chosen language and image insertion.
'use strict';
(function () {
  var form = document.getElementById('editor');
  if (!form || !window.fetch || !window.URLSearchParams) return;

  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute('content') : '';
  var title = document.getElementById('title');
  var slug = document.getElementById('slug');
  var body = document.getElementById('body');
  var summary = document.getElementById('summary');
  var preview = document.getElementById('preview');
  var tags = document.getElementById('tags');
  var tagList = document.getElementById('tag-names');
  var lang = document.getElementById('lang');
  var status = document.getElementById('status');
  var image = document.getElementById('image');
  var saveStatus = document.getElementById('autosave-status');

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  function post(url, params) {
    params.set('_csrf', csrf);
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/x-www-form-urlencoded'},
      body: params.toString()
    });
  }

  // ---- slug: suggested from the title while the field is left empty ----
  // The server makes the real one (and keeps it unique); this only shows
  // what it will look like.
  function slugify(text) {
    var s = text.normalize ? text.normalize('NFKD') : text;
    s = s.replace(/[\u0300-\u036f]/g, '').toLowerCase();
    try {
      s = s.replace(/[^\p{L}\p{N}]+/gu, '-');
    } catch (e) {
      s = s.replace(/[^a-z0-9\u00c0-\uffff]+/g, '-');
    }
    return s.replace(/^-+|-+$/g, '').slice(0, 80) || 'article';
  }
  if (title && slug && slug.value === '') {
    var suggest = function () { slug.placeholder = title.value ? slugify(title.value) : ''; };
    title.addEventListener('input', suggest);
    suggest();
  }

  // ---- live preview, rendered by the server exactly as the site does ----
  var previewSeq = 0;
  var refreshPreview = debounce(function () {
    var seq = ++previewSeq;
    post(form.getAttribute('data-preview-url'),
         new URLSearchParams({body: body.value, format: body.getAttribute('data-format') || 'markdown'}))
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        // The HTML is the server's sanitized rendering of the Markdown.
        if (seq === previewSeq) preview.innerHTML = html;
      })
      .catch(function () { /* keep the last preview */ });
  }, 400);
  if (body && preview) {
    body.addEventListener('input', refreshPreview);
    if (!preview.innerHTML.trim() && body.value) refreshPreview();
  }

  // ---- tags: suggestions for the name being typed after the last comma ----
  var refreshTags = debounce(function () {
    var text = tags.value;
    var cut = text.lastIndexOf(',');
    var head = cut < 0 ? '' : text.slice(0, cut + 1) + ' ';
    var part = text.slice(cut + 1).trim();
    if (!part) return;
    var url = form.getAttribute('data-tags-url') + '?q=' + encodeURIComponent(part);
    fetch(url, {credentials: 'same-origin'})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (names) {
        tagList.textContent = '';
        names.forEach(function (name) {
          var o = document.createElement('option');
          o.value = head + name;
          tagList.appendChild(o);
        });
      })
      .catch(function () {});
  }, 200);
  if (tags && tagList) tags.addEventListener('input', refreshTags);

  // ---- language: right-to-left scripts turn the fields around ----
  function applyDir() {
    var opt = lang.options[lang.selectedIndex];
    var dir = opt ? opt.getAttribute('data-dir') || 'ltr' : 'ltr';
    [title, summary, body, preview].forEach(function (el) {
      if (el) el.setAttribute('dir', dir);
    });
  }
  if (lang) {
    lang.addEventListener('change', applyDir);
    applyDir();
  }

  // ---- images: insert Markdown at the cursor, or use as featured image ----
  function insertAtCursor(el, text) {
    var start = el.selectionStart || 0, end = el.selectionEnd || 0;
    el.value = el.value.slice(0, start) + text + el.value.slice(end);
    el.selectionStart = el.selectionEnd = start + text.length;
    el.focus();
    el.dispatchEvent(new Event('input'));
  }
  Array.prototype.forEach.call(form.querySelectorAll('.insert-image'), function (b) {
    b.hidden = false;
    b.addEventListener('click', function () {
      insertAtCursor(body, b.getAttribute('data-markdown'));
    });
  });
  Array.prototype.forEach.call(form.querySelectorAll('.feature-image'), function (b) {
    b.hidden = false;
    b.addEventListener('click', function () {
      image.value = b.getAttribute('data-url');
      image.focus();
    });
  });

  // ---- autosave: drafts only, every 10 s when something changed ----
  var dirty = false, saving = false;
  form.addEventListener('input', function () { dirty = true; });
  form.addEventListener('submit', function () { dirty = false; });
  window.addEventListener('beforeunload', function (e) {
    if (dirty) e.preventDefault();
  });

  function say(text) {
    if (saveStatus) saveStatus.textContent = text;
  }

  // The words come from the page (the admin's language), English if absent.
  function word(name, english) {
    return (saveStatus && saveStatus.getAttribute('data-' + name)) || english;
  }

  function autosave() {
    var url = form.getAttribute('data-autosave-url');
    if (!url || !dirty || saving || (status && status.value !== 'draft') || !title.value.trim())
      return;
    saving = true;
    dirty = false;
    var params = new URLSearchParams(new FormData(form));
    params.delete('action');
    post(url, params)
      .then(function (r) {
        if (r.status === 204) return null;
        return r.json().then(function (j) { return {status: r.status, json: j}; });
      })
      .then(function (res) {
        saving = false;
        if (!res) return;
        if (res.status !== 200) {
          say(word('failed', 'Not saved automatically:') + ' ' + (res.json.error || res.status));
          if (res.status === 409 || res.status === 403) form.removeAttribute('data-autosave-url');
          return;
        }
        var j = res.json;
        // A new article now exists: later saves and autosaves update it.
        form.setAttribute('action', j.edit_url);
        form.setAttribute('data-autosave-url', j.autosave_url);
        if (window.location.pathname !== j.edit_url && window.history.replaceState)
          window.history.replaceState(null, '', j.edit_url);
        say(word('saved-at', 'Draft saved automatically at') + ' ' +
            new Date(j.saved_at * 1000).toLocaleTimeString() + '.');
      })
      .catch(function () {
        saving = false;
        dirty = true;
        say(word('no-answer', 'Not saved automatically; the server did not answer.'));
      });
  }
  setInterval(autosave, 10000);
})();

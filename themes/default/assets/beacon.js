/* Counts one view of the article this page shows, for pages the server
 * does not count itself: with views.count = beacon (pages a CDN or a cache
 * may serve), the article page loads this script with its beacon URL in
 * data-beacon ("/v/ID"); a page of a static export (gazette export static)
 * gets it with data-beacon-url (the live site) and data-article-id.
 *
 * One beacon per page load, even when both are on the page; a POST with
 * no body (the server refuses weights: a query string or a body is 400).
 * Bots, reloads and floods are filtered by the server. An external
 * script, never inline, so that a Content-Security-Policy of
 * script-src 'self' allows it. */
(function () {
  if (window.gazetteBeaconSent) {
    return;
  }
  var url = null;
  var exported = document.querySelector('script[data-beacon-url][data-article-id]');
  var own = document.querySelector('script[data-beacon]');
  if (exported) {
    var id = exported.getAttribute('data-article-id');
    if (/^[1-9][0-9]*$/.test(id)) {
      url = exported.getAttribute('data-beacon-url') + '/v/' + id;
    }
  } else if (own) {
    url = own.getAttribute('data-beacon');
  }
  if (!url) {
    return;
  }
  window.gazetteBeaconSent = true;
  function send() {
    if (navigator.sendBeacon && navigator.sendBeacon(url)) {
      return;
    }
    if (window.fetch) {
      fetch(url, { method: 'POST', keepalive: true, mode: 'no-cors', credentials: 'omit' })
        .catch(function () {});
    }
  }
  /* A page prerendered in the background is no view until it is shown. */
  if (document.visibilityState === 'prerender' || document.prerendering) {
    document.addEventListener('prerenderingchange', send, { once: true });
  } else {
    send();
  }
})();

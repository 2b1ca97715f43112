/* Counts a view of an article of a static export on the live site
 * (gazette export static adds this script to article pages only; the
 * live site counts its own pages). One beacon per page load; bots and
 * prefetches are filtered by the live site as for its own pages. */
(function () {
  var script = document.querySelector('script[data-beacon-url][data-article-id]');
  if (!script || !navigator.sendBeacon) {
    return;
  }
  var id = script.getAttribute('data-article-id');
  if (!/^[1-9][0-9]*$/.test(id)) {
    return;
  }
  function send() {
    navigator.sendBeacon(script.getAttribute('data-beacon-url') + '/v/' + id);
  }
  /* A page prerendered in the background is no view until it is shown. */
  if (document.visibilityState === 'prerender' || document.prerendering) {
    document.addEventListener('prerenderingchange', send, { once: true });
  } else {
    send();
  }
})();

// gazette admin: small progressive enhancements; every page works without
// them. Page-specific parts run only when their elements are present.
'use strict';
(function () {
  // Confirm destructive actions: <button data-confirm="Really?">
  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('[data-confirm]');
    if (b && !window.confirm(b.getAttribute('data-confirm'))) e.preventDefault();
  });
})();

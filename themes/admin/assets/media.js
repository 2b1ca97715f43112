// gazette admin, media library: a "Copy" button beside each URL and
// Markdown snippet, and a size check before a too-large file is sent.
// Everything works without it.
'use strict';
(function () {
  // The words come from the page (the admin's language), English if absent.
  var heading = document.getElementById('media-heading');
  function word(name, english) {
    return (heading && heading.getAttribute('data-' + name + '-word')) || english;
  }
  document.querySelectorAll('input[data-copy]').forEach(function (input) {
    if (!navigator.clipboard) return;
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary media-copy';
    b.textContent = word('copy', 'Copy');
    b.setAttribute('aria-label', word('copy', 'Copy') + ' ' +
                   (input.labels && input.labels[0] ? input.labels[0].textContent : ''));
    b.addEventListener('click', function () {
      navigator.clipboard.writeText(input.value).then(function () {
        b.textContent = word('copied', 'Copied');
        setTimeout(function () { b.textContent = word('copy', 'Copy'); }, 1500);
      });
    });
    input.insertAdjacentElement('afterend', b);
  });
  document.querySelectorAll('input[type=file][data-max-bytes]').forEach(function (input) {
    var max = parseInt(input.getAttribute('data-max-bytes'), 10);
    input.addEventListener('change', function () {
      var f = input.files && input.files[0];
      var msg = input.getAttribute('data-too-large') || 'This file is larger than the upload limit.';
      input.setCustomValidity(f && f.size > max ? msg : '');
      input.reportValidity();
    });
  });
})();

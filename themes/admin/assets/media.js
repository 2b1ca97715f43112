// gazette admin, media library: a "Copy" button beside each URL and
// Markdown snippet, and a size check before a too-large file is sent.
// Everything works without it.
'use strict';
(function () {
  document.querySelectorAll('input[data-copy]').forEach(function (input) {
    if (!navigator.clipboard) return;
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary media-copy';
    b.textContent = 'Copy';
    b.setAttribute('aria-label', 'Copy ' + (input.labels && input.labels[0] ? input.labels[0].textContent : 'value'));
    b.addEventListener('click', function () {
      navigator.clipboard.writeText(input.value).then(function () {
        b.textContent = 'Copied';
        setTimeout(function () { b.textContent = 'Copy'; }, 1500);
      });
    });
    input.insertAdjacentElement('afterend', b);
  });
  document.querySelectorAll('input[type=file][data-max-bytes]').forEach(function (input) {
    var max = parseInt(input.getAttribute('data-max-bytes'), 10);
    input.addEventListener('change', function () {
      var f = input.files && input.files[0];
      input.setCustomValidity(f && f.size > max ? 'This file is larger than the upload limit.' : '');
      input.reportValidity();
    });
  });
})();

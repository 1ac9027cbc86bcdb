// The newsroom editor, enhanced: the preview follows the typing, and what is typed is kept both in this browser
// (localStorage, so a closed tab or a failed request loses nothing) and on the server (autosave). Without this
// script every feature still works through plain form submits.
(function () {
  'use strict';
  var form = document.querySelector('form.editor-form');
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var storagePrefix = 'sahifa-draft:';

  // A page that confirms a save clears the copy kept in this browser.
  var cleared = document.querySelector('[data-clear-draft]');
  if (cleared) {
    try { localStorage.removeItem(storagePrefix + cleared.getAttribute('data-clear-draft')); } catch (e) { /* storage unavailable */ }
  }
  if (!form) return;

  var key = storagePrefix + form.getAttribute('data-draft-key');
  var status = form.querySelector('.autosave-status');
  var frame = document.querySelector('iframe[name="preview"]');
  var fields = ['title', 'subtitle', 'body', 'sectionId', 'tags', 'authors', 'related', 'sourceName', 'sourceUrl', 'breaking', 'publishAt'];

  function values() {
    var out = {};
    fields.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (!field) return;
      out[name] = field.type === 'checkbox' ? (field.checked ? 'on' : '') : field.value;
    });
    var version = form.elements.namedItem('version');
    if (version) out.version = version.value;
    return out;
  }

  function fill(saved) {
    fields.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (!field || !(name in saved)) return;
      if (field.type === 'checkbox') field.checked = saved[name] === 'on';
      else field.value = saved[name];
    });
  }

  function say(text) { if (status) status.textContent = text; }

  // Offer what this browser kept if it differs from what the page shows (the server's copy may be older).
  try {
    var kept = JSON.parse(localStorage.getItem(key) || 'null');
    var shown = values();
    if (kept && fields.some(function (name) { return (kept.values[name] || '') !== (shown[name] || ''); })) {
      var box = document.createElement('div');
      box.className = 'notice';
      box.setAttribute('role', 'status');
      var text = document.createElement('p');
      text.textContent = 'في هذا المتصفح نسخة لم تُحفظ مما كتبته. أتريد استعادتها؟';
      var restore = document.createElement('button');
      restore.type = 'button';
      restore.textContent = 'استعد ما كتبته';
      restore.addEventListener('click', function () { fill(kept.values); box.remove(); schedulePreview(); form.elements.namedItem('title').focus(); });
      var drop = document.createElement('button');
      drop.type = 'button';
      drop.className = 'secondary';
      drop.textContent = 'تجاهله';
      drop.addEventListener('click', function () { localStorage.removeItem(key); box.remove(); });
      box.append(text, restore, ' ', drop);
      form.parentNode.parentNode.insertBefore(box, form.parentNode);
    }
  } catch (e) { /* storage unavailable */ }

  var dirty = false;
  var saveTimer = null;
  var previewTimer = null;

  function keepLocally() {
    try { localStorage.setItem(key, JSON.stringify({ savedAt: new Date().toISOString(), values: values() })); } catch (e) { /* full or unavailable */ }
  }

  function autosave() {
    if (!dirty) return;
    dirty = false;
    var body = new URLSearchParams(values());
    fetch(form.getAttribute('data-autosave'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf ? csrf.content : '' },
      body: body,
      credentials: 'same-origin',
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      say('حُفظت مسودة تلقائية ' + new Date().toLocaleTimeString('ar-EG', { hour: 'numeric', minute: '2-digit' }) + '.');
    }).catch(function () {
      dirty = true;
      say('تعذّر الحفظ التلقائي على الخادم؛ ما كتبته محفوظ في هذا المتصفح.');
    });
  }

  function preview() {
    if (!frame) return;
    var body = new URLSearchParams(values());
    fetch('/admin/articles/preview', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf ? csrf.content : '' },
      body: body,
      credentials: 'same-origin',
    }).then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) frame.srcdoc = html; })
      .catch(function () { /* the preview button still works */ });
  }

  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(preview, 600);
  }

  form.addEventListener('input', function () {
    dirty = true;
    keepLocally();
    schedulePreview();
    clearTimeout(saveTimer);
    saveTimer = setTimeout(autosave, 3000);
  });
  window.addEventListener('pagehide', keepLocally);
  setInterval(autosave, 15000);
  preview();

  // Ctrl/Cmd+S saves the draft.
  document.addEventListener('keydown', function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === 's') {
      event.preventDefault();
      var save = form.querySelector('button[value="save"]');
      if (save) save.click();
    }
  });

  // Jump to the first error summary, so keyboard and screen-reader users land on what to fix.
  var summary = document.querySelector('.error-summary, .conflict');
  if (summary) summary.focus();
})();

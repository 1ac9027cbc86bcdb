// Sahifa's small client script. Every page works without it; with it, saving an article happens in place and a
// signed-in reader's progress in an article (time spent, last paragraph seen) is kept for "continue reading" and
// the "لك" feed. Nothing is sent for anonymous readers: their pages carry no save form, so no token.
(() => {
  'use strict';

  for (const form of document.querySelectorAll('form[data-save-form]')) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const button = form.querySelector('button');
      button.disabled = true;
      try {
        const response = await fetch(form.action, {
          method: 'POST',
          body: new URLSearchParams(new FormData(form)),
          headers: { accept: 'application/json' },
          credentials: 'same-origin',
        });
        if (!response.ok) throw new Error(String(response.status));
        const { saved } = await response.json();
        form.action = saved ? '/saved/remove' : '/saved';
        button.setAttribute('aria-pressed', String(saved));
        button.textContent = saved ? 'محفوظ ✓' : 'احفظ';
      } catch {
        // Fall back to the plain form post: the server answers with the page.
        form.submit();
      } finally {
        button.disabled = false;
      }
    });
  }

  const body = document.querySelector('.article-body');
  const form = document.querySelector('form[data-save-form]');
  if (!body || !form) return;
  const token = form.querySelector('input[name="_csrf"]').value;
  const slug = form.querySelector('input[name="slug"]').value;
  const paragraphs = [...body.querySelectorAll('p')];
  // "Continue reading" links to #pN; a body written in Markdown has no numbered paragraphs, so find the Nth here.
  const wanted = /^#p(\d+)$/.exec(location.hash);
  if (wanted && !document.getElementById(wanted[0].slice(1))) paragraphs[Number(wanted[1]) - 1]?.scrollIntoView();
  let furthest = -1;
  let visibleSince = document.visibilityState === 'visible' ? Date.now() : null;
  let dwell = 0;

  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) if (entry.isIntersecting) furthest = Math.max(furthest, paragraphs.indexOf(entry.target));
    },
    { threshold: 0.6 },
  );
  for (const paragraph of paragraphs) observer.observe(paragraph);

  const report = () => {
    if (visibleSince !== null) dwell += Date.now() - visibleSince;
    visibleSince = null;
    const seconds = Math.round(dwell / 1000);
    if (seconds < 2) return;
    dwell = 0;
    fetch('/api/reading', {
      method: 'POST',
      keepalive: true,
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token },
      body: JSON.stringify({ slug, dwell_seconds: seconds, paragraph: furthest >= 0 ? furthest : null }),
    }).catch(() => {});
  };
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') report();
    else visibleSince = Date.now();
  });
})();

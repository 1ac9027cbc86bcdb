import { render } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { MarkdownBody, markdownParagraphs, safeHref } from './markdown-body.tsx';

const html = (markdown: string) => render(<MarkdownBody markdown={markdown} />);

describe('MarkdownBody', () => {
  it('renders headings from h2, quotes, lists and emphasis', () => {
    expect(html('# عنوان\n\n### فرعي\n\n> «قول»\n\n- أ\n- ب\n\n3. ثالث\n\n**قوي** و*مائل*')).toBe(
      '<h2>عنوان</h2><h3>فرعي</h3><blockquote><p>«قول»</p></blockquote><ul><li>أ</li><li>ب</li></ul><ol start="3"><li>ثالث</li></ol><p><strong>قوي</strong> و<em>مائل</em></p>',
    );
  });

  it('shows raw HTML as text and drops unsafe link targets', () => {
    const out = html('<script>alert(1)</script>\n\nنص <b>x</b> [اضغط](javascript:alert(1)) [موقع](https://example.org)');
    expect(out).not.toContain('<script');
    expect(out).toContain('&lt;script>');
    expect(out).not.toContain('<b>');
    expect(out).not.toContain('javascript:');
    expect(out).toContain('<a href="https://example.org">موقع</a>');
  });

  it('renders a newsroom image alone in its paragraph as a figure with AVIF, WebP and JPEG variants', () => {
    const id = '0b7c7d6e-2f1a-4f5e-9c1d-3a2b1c0d9e8f';
    const out = html(`![مئذنة الجامع عند الغروب](/media/${id} "الجامع الكبير · تصوير: سلمى")`);
    expect(out).toContain('<figure><picture><source type="image/avif"');
    expect(out).toContain(`/media/${id}/480.webp 480w`);
    expect(out).toContain(`src="/media/${id}/960.jpeg"`);
    expect(out).toContain('alt="مئذنة الجامع عند الغروب"');
    expect(out).toContain('<figcaption>الجامع الكبير · تصوير: سلمى</figcaption>');
  });

  it('decodes entities once and escapes them on output', () => {
    expect(html('أ &amp; ب')).toBe('<p>أ &amp; ب</p>');
    expect(html('أ &lt;b&gt;')).toBe('<p>أ &lt;b></p>');
  });
});

describe('markdownParagraphs', () => {
  it('gives each block’s plain text, captions for images', () => {
    expect(markdownParagraphs('## عنوان\n\nنص [رابط](https://x.org) **قوي**\n\n![بديل](/a.png "تعليق")\n\n---\n\n- أ\n- ب')).toEqual([
      'عنوان',
      'نص رابط قوي',
      'تعليق',
      'أ',
      'ب',
    ]);
  });
});

describe('safeHref', () => {
  it('keeps web, mail and same-site addresses only', () => {
    expect(safeHref('https://a.org')).toBe('https://a.org');
    expect(safeHref('/article/x')).toBe('/article/x');
    expect(safeHref('//evil.org')).toBeNull();
    expect(safeHref(' JavaScript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,x')).toBeNull();
  });
});

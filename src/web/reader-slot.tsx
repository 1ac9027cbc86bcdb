import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';
import { PresentationContext, usePresentation } from './presentation.tsx';

/**
 * A part of a page that depends on who reads it (the reader prompt, "saved" on an article). The page is rendered
 * — and cached — with the anonymous content inside markers; for a signed-in reader the markers' content is
 * replaced on the way out by the fragment registered under `name` (src/accounts/reader-slots.ts). `context`
 * travels in the marker to that renderer (e.g. `{ slug }` of the article).
 */
export function ReaderSlot({ name, context = {}, children }: { name: string; context?: Record<string, string>; children: ComponentChildren }) {
  // The markers are HTML comments; preact escapes every text it renders, so page text can never forge one.
  // A separate render: the page's presentation is passed on to it explicitly.
  const inner = render(<PresentationContext.Provider value={usePresentation()}>{children}</PresentationContext.Provider>);
  const html = `<!--reader-slot:${name}:${encodeURIComponent(JSON.stringify(context))}-->${inner}<!--/reader-slot:${name}-->`;
  return <div class="reader-slot" dangerouslySetInnerHTML={{ __html: html }} />;
}

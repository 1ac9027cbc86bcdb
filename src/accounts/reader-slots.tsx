import type { FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';
import { PresentationContext, presentationFor } from '../web/presentation.tsx';
import type { Reader } from './reader.ts';

/**
 * Renders one slot for one reader. Return null to keep the anonymous content. `request.csrfToken()` gives the
 * token for a form inside the fragment.
 */
export type ReaderSlotRenderer = (input: {
  reader: Reader;
  context: Record<string, string>;
  request: FastifyRequest;
}) => Promise<ComponentChildren | null>;

const SLOT = /<!--reader-slot:([a-z][a-z0-9-]*):([^>]*?)-->[\s\S]*?<!--\/reader-slot:\1-->/g;

/** The slot renderers of one app: `register` them in app.ts wiring; `personalize` runs for signed-in readers. */
export function createReaderSlots() {
  const renderers = new Map<string, ReaderSlotRenderer>();
  return {
    register(name: string, renderer: ReaderSlotRenderer): void {
      if (renderers.has(name)) throw new Error(`reader slot "${name}" is registered twice`);
      renderers.set(name, renderer);
    },

    /**
     * Replaces every registered slot in `html` with the reader's fragment, written in the reader's language and
     * digits; unregistered slots stay anonymous.
     */
    async personalize(html: string, reader: Reader, request: FastifyRequest): Promise<string> {
      const matches = [...html.matchAll(SLOT)].filter((match) => renderers.has(match[1]!));
      if (matches.length === 0) return html;
      const presentation = presentationFor(reader.preferences);
      const fragments = await Promise.all(
        matches.map(async (match) => {
          const context = JSON.parse(decodeURIComponent(match[2]!)) as Record<string, string>;
          const children = await renderers.get(match[1]!)!({ reader, context, request });
          return children === null ? match[0] : render(<PresentationContext.Provider value={presentation}>{children}</PresentationContext.Provider>);
        }),
      );
      let result = '';
      let position = 0;
      matches.forEach((match, i) => {
        result += html.slice(position, match.index) + fragments[i];
        position = match.index! + match[0].length;
      });
      return result + html.slice(position);
    },
  };
}

export type ReaderSlots = ReturnType<typeof createReaderSlots>;

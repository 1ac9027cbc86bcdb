import type { Kysely } from 'kysely';
import type { ReaderSlots } from '../accounts/reader-slots.tsx';
import { signInPath } from '../accounts/guards.ts';
import type { Database } from '../db/schema.ts';
import { SaveButton } from '../saved/save-button.tsx';
import { isSaved } from '../saved/saved.service.ts';
import { usePresentation } from '../web/presentation.tsx';
import { ReaderSlot } from '../web/reader-slot.tsx';
import { FollowButton } from './follow-button.tsx';
import { type FollowKind, isFollowing } from './follow.service.ts';
import { resolveTarget } from './targets.ts';
import { entityPath } from '../understanding/understanding.views.tsx';

const FOLLOW_KINDS = new Set<string>(['section', 'tag', 'author', 'entity']);

/**
 * The per-reader parts this capability adds to shared pages (see src/accounts/CONTEXT.md, reader slots):
 * `saved` (the save button of an article page, context `{ slug, path }`), `save-card` (the same on a card) and
 * `follow` (a follow button, context `{ kind, slug, name, path }`). Each renderer is one or two indexed queries.
 */
export function registerFeedSlots(slots: ReaderSlots, db: Kysely<Database>) {
  const saveButton = async ({ reader, context, request }: Parameters<Parameters<ReaderSlots['register']>[1]>[0]) => {
    if (!context.slug) return null;
    return <SaveButton slug={context.slug} saved={await isSaved(db, reader.id, context.slug)} csrfToken={request.csrfToken()} next={context.path ?? '/saved'} />;
  };
  slots.register('saved', saveButton);
  slots.register('save-card', saveButton);
  slots.register('follow', async ({ reader, context, request }) => {
    if (!context.kind || !FOLLOW_KINDS.has(context.kind) || !context.slug) return null;
    const target = await resolveTarget(db, context.kind as FollowKind, context.slug);
    return (
      <FollowButton
        kind={context.kind as FollowKind}
        slug={target.slug}
        name={target.name}
        following={await isFollowing(db, reader.id, target.kind, target.id)}
        csrfToken={request.csrfToken()}
        next={context.path ?? '/account/feed'}
      />
    );
  });
}

/** The save button slot of an article page; anonymous readers get a link to sign in and come back. */
export function SaveSlot({ slug, path }: { slug: string; path: string }) {
  const { text } = usePresentation();
  return (
    <ReaderSlot name="saved" context={{ slug, path }}>
      <a class="button secondary save-signin" href={signInPath(path)}>
        {text.saveArticle}
      </a>
    </ReaderSlot>
  );
}

/** The save button slot of a card: nothing for anonymous readers (a card is no place for a sign-in link). */
export function SaveCardSlot({ slug, path }: { slug: string; path: string }) {
  return (
    <ReaderSlot name="save-card" context={{ slug, path }}>
      {null}
    </ReaderSlot>
  );
}

/** The follow button slot of a section, tag, author or entity page; anonymous readers get a link to sign in. */
export function FollowSlot({ kind, slug, name, path }: { kind: FollowKind; slug: string; name: string; path: string }) {
  const { text } = usePresentation();
  return (
    <ReaderSlot name="follow" context={{ kind, slug, name, path }}>
      <a class="button secondary follow-signin" href={signInPath(path)}>
        {text.follow(name)}
      </a>
    </ReaderSlot>
  );
}

/** The follow button on an entity page (src/understanding's `entityActions` hook). */
export function entityFollowActions(entity: { slug: string; name: string }) {
  return <FollowSlot kind="entity" slug={entity.slug} name={entity.name} path={entityPath(entity.slug)} />;
}

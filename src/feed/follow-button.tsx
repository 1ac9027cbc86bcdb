import { CsrfField } from '../web/csrf-field.tsx';
import { usePresentation } from '../web/presentation.tsx';
import type { FollowKind } from './follow.service.ts';

/** Follow / unfollow a section, tag, author or entity: a form POST back to `next`, works without JavaScript. */
export function FollowButton(props: { kind: FollowKind; slug: string; name: string; following: boolean; csrfToken: string; next: string }) {
  const { text } = usePresentation();
  return (
    <form class="follow-form" method="post" action={props.following ? '/follows/remove' : '/follows'}>
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="kind" value={props.kind} />
      <input type="hidden" name="slug" value={props.slug} />
      <input type="hidden" name="next" value={props.next} />
      <button type="submit" class="follow-button" aria-pressed={props.following ? 'true' : 'false'}>
        {props.following ? text.following(props.name) : text.follow(props.name)}
      </button>
    </form>
  );
}

import { CsrfField } from '../web/csrf-field.tsx';
import { usePresentation } from '../web/presentation.tsx';

/**
 * Save / unsave an article: a form POST that works without JavaScript (the server redirects back to `next`);
 * /assets/reader.js submits it in the background and flips the button instead.
 */
export function SaveButton({ slug, saved, csrfToken, next }: { slug: string; saved: boolean; csrfToken: string; next: string }) {
  const { text } = usePresentation();
  return (
    <form class="save-form" method="post" action={saved ? '/saved/remove' : '/saved'} data-save-form="">
      <CsrfField token={csrfToken} />
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="next" value={next} />
      <button type="submit" class="save-button" aria-pressed={saved ? 'true' : 'false'}>
        {saved ? text.savedMark : text.save}
      </button>
    </form>
  );
}

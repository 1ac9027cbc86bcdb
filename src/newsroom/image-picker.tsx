import type { MediaItem } from './media.service.ts';

/**
 * Choosing an uploaded image (an author's photo, the site's logo) by looking at it: one radio button per image of
 * the library, its thumbnail and alt text beside it, and "none". Named `name` in the form, the image's id as value.
 */
export function ImagePicker(props: { name: string; label: string; value: string; images: Pick<MediaItem, 'id' | 'alt'>[]; error?: string }) {
  const id = `field-${props.name}`;
  // The current image stays a choice even when it is older than the images listed, so saving does not drop it.
  const images = props.value && !props.images.some((image) => image.id === props.value) ? [{ id: props.value, alt: 'الصورة الحالية' }, ...props.images] : props.images;
  return (
    <fieldset class={props.error ? 'field image-picker invalid' : 'field image-picker'} aria-describedby={props.error ? `${id}-error` : undefined}>
      <legend>{props.label}</legend>
      <p class="hint">
        من <a href="/admin/media">مكتبة الصور</a>؛ ارفع الصورة هناك أولاً.
      </p>
      <label class="image-choice">
        <input type="radio" name={props.name} value="" checked={props.value === ''} />
        <span>بلا صورة</span>
      </label>
      {images.map((image) => (
        <label class="image-choice">
          <input type="radio" name={props.name} value={image.id} checked={props.value === image.id} />
          <img src={`/media/${image.id}/480.webp`} alt="" width={96} height={64} loading="lazy" />
          <span>{image.alt}</span>
        </label>
      ))}
      {props.error ? (
        <p class="error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
    </fieldset>
  );
}

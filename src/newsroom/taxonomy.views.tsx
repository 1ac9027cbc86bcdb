import { formatCount } from '../web/numbers.ts';
import { ImagePicker } from './image-picker.tsx';
import type { MediaItem } from './media.service.ts';
import { type AdminChrome, AdminLayout, CsrfInput, ErrorSummary, Field } from './newsroom.views.tsx';

/** One field of a simple admin form. */
export interface FormField {
  name: string;
  label: string;
  hint?: string;
  /** `image`: an image of the media library, chosen by its thumbnail (the page's `images`). */
  kind?: 'text' | 'textarea' | 'number' | 'ltr' | 'image' | 'select' | 'checkbox';
  /** The choices of a `select` field. */
  options?: { value: string; label: string }[];
  /** Shown only in the form that creates an item (a value that cannot change afterwards). */
  createOnly?: boolean;
}

export interface ListedItem {
  id: string;
  title: string;
  detail: string;
}

/**
 * The list-and-form page every simple admin collection uses (sections, authors, tags): the items, each linking to
 * its own form, and the form itself (to create one, or to edit the chosen one).
 */
export function CollectionPage(props: {
  chrome: AdminChrome;
  title: string;
  basePath: string;
  items: ListedItem[];
  fields: FormField[];
  /** The item being edited; null for the "new" form, or no form at all when `canCreate` is false. */
  editing: { id: string; name: string } | null;
  canCreate: boolean;
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
  notice?: string;
  deletable?: boolean;
  /** The library's images, for fields of kind `image`. */
  images?: Pick<MediaItem, 'id' | 'alt'>[];
}) {
  const { editing, values, errors } = props;
  const showForm = editing !== null || props.canCreate;
  return (
    <AdminLayout chrome={props.chrome} title={props.title}>
      <h1>{props.title}</h1>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <ErrorSummary errors={errors} />
      {showForm ? (
        <section aria-labelledby="form-heading" class="collection-form">
          <h2 id="form-heading">{editing ? `تعديل «${editing.name}»` : 'إضافة'}</h2>
          <form method="post" action={editing ? `${props.basePath}/${editing.id}` : props.basePath}>
            <CsrfInput token={props.chrome.csrfToken} />
            {props.fields
              .filter((field) => !(editing && field.createOnly))
              .map((field) =>
                field.kind === 'image' ? (
                  <ImagePicker name={field.name} label={field.label} value={values[field.name] ?? ''} images={props.images ?? []} error={errors[field.name]} />
                ) : (
                  <Field name={field.name} label={field.label} hint={field.hint} error={errors[field.name]}>
                    {(attributes) =>
                      field.kind === 'select' ? (
                        <select {...attributes}>
                          {(field.options ?? []).map((option) => (
                            <option value={option.value} selected={values[field.name] === option.value}>
                              {option.label}
                            </option>
                          ))}
                        </select>
                      ) : field.kind === 'checkbox' ? (
                        <input {...attributes} type="checkbox" value="1" checked={values[field.name] === '1'} />
                      ) : field.kind === 'textarea' ? (
                        <textarea {...attributes} rows={4}>
                          {values[field.name] ?? ''}
                        </textarea>
                      ) : field.kind === 'number' ? (
                        <input {...attributes} type="number" dir="ltr" value={values[field.name] ?? ''} />
                      ) : (
                        <input {...attributes} type="text" dir={field.kind === 'ltr' ? 'ltr' : undefined} value={values[field.name] ?? ''} />
                      )
                    }
                  </Field>
                ),
              )}
            <button type="submit">{editing ? 'احفظ' : 'أضف'}</button>
            {editing ? (
              <>
                {' '}
                <a href={props.basePath}>إلغاء</a>
              </>
            ) : null}
          </form>
          {editing && props.deletable ? (
            <form method="post" action={`${props.basePath}/${editing.id}/delete`} class="delete-form">
              <CsrfInput token={props.chrome.csrfToken} />
              <button type="submit" class="secondary">
                احذف «{editing.name}»
              </button>
            </form>
          ) : null}
        </section>
      ) : null}
      <h2>القائمة ({formatCount(props.items.length)})</h2>
      <ul class="collection">
        {props.items.map((item) => (
          <li>
            <a href={`${props.basePath}/${item.id}`}>{item.title}</a> <span class="hint">{item.detail}</span>
          </li>
        ))}
      </ul>
    </AdminLayout>
  );
}

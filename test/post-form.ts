import type { FastifyInstance } from 'fastify';

/** A signed-in reader's session cookie and its CSRF token, as the pages put it in every form. */
export interface FormSession {
  cookie: string;
  csrf: string;
}

/** Posts `form` as a browser without JavaScript would: urlencoded, with the session's cookie and CSRF token. */
export function postForm(app: FastifyInstance, url: string, who: FormSession, form: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: who.csrf, ...form }).toString(),
  });
}

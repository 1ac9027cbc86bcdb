/**
 * The hidden field every POST form carries: `<CsrfField token={request.csrfToken()} />`. The session plugin
 * (src/accounts/session.plugin.ts) refuses state-changing requests without it.
 */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

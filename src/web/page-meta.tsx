/**
 * The canonical address and the OpenGraph/Twitter card of a page, so that a shared link shows its title and
 * summary and search engines index one address per page.
 */
export function PageMeta(props: { siteName: string; url: string; title: string; description: string; type?: 'website' | 'article' }) {
  return (
    <>
      <link rel="canonical" href={props.url} />
      <meta property="og:type" content={props.type ?? 'website'} />
      <meta property="og:site_name" content={props.siteName} />
      <meta property="og:title" content={props.title} />
      <meta property="og:description" content={props.description} />
      <meta property="og:url" content={props.url} />
      <meta property="og:locale" content="ar_AR" />
      <meta name="twitter:card" content="summary" />
      <meta name="twitter:title" content={props.title} />
      <meta name="twitter:description" content={props.description} />
    </>
  );
}

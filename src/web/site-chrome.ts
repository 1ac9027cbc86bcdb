import type { Kysely } from 'kysely';
import { articleRepository } from '../articles/article.repository.ts';
import type { Database, SectionRow } from '../db/schema.ts';
import { getSiteIdentity, type SiteIdentity } from '../newsroom/site-settings.service.ts';

/**
 * What the layout of every reader page needs: the site's identity from its settings (`configuredName`, the
 * SITE_NAME setting, until an admin names the site in /admin/settings) and its sections.
 */
export async function loadSiteChrome(db: Kysely<Database>, configuredName: string): Promise<SiteIdentity & { sections: SectionRow[] }> {
  const [identity, sections] = await Promise.all([getSiteIdentity(db, { siteName: configuredName }), articleRepository(db).listSections()]);
  return { ...identity, sections };
}

/** The site's name as feeds, emails and structured data give it: the admin's setting, else `configuredName`. */
export async function loadSiteName(db: Kysely<Database>, configuredName: string): Promise<string> {
  return (await getSiteIdentity(db, { siteName: configuredName })).siteName;
}

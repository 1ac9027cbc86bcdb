/**
 * The site's time zone until an admin chooses another in /admin/settings: editors schedule in it and readers'
 * dates fall on its calendar days. A module of its own so that the presentation can read it without importing
 * the settings service (and what that imports).
 */
export const DEFAULT_TIME_ZONE = 'Asia/Riyadh';

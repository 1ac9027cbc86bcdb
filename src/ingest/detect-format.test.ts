import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect-format.ts';

describe('detectFormat', () => {
  it.each([
    ['page.txt', 'عنوان\nنص', 'text'],
    ['page.html', '<!DOCTYPE html><html></html>', 'html'],
    ['noext', '\uFEFF  <html lang="ar">', 'html'],
    ['saved.txt', '<!-- saved from url=(0042) -->\n<!doctype html>', 'html'],
    ['fragment.htm', '<p>فقرة</p>', 'html'],
    ['feed.xml', '<?xml version="1.0"?>\n<rss version="2.0">', 'feed'],
    ['feed', '<?xml version="1.0"?><!-- c --><feed xmlns="http://www.w3.org/2005/Atom">', 'feed'],
    ['rdf', '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', 'feed'],
    ['items', '{"version":"https://jsonfeed.org/version/1.1"}', 'feed'],
    ['other.txt', '<?xml version="1.0"?><catalog/>', 'feed'],
    ['broken.rss', 'not xml at all', 'feed'],
  ])('%s → %s', (file, text, format) => {
    expect(detectFormat(file, text)).toBe(format);
  });
});

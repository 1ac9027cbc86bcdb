import { describe, expect, it } from 'vitest';
import { DEFAULT_RANKING, EMPTY_PROFILE, type FeatureKey, type FeedCandidate, featureKey, learnInterests, rankFeed, type ReaderProfile } from './ranking.ts';

const NOW = Date.UTC(2026, 10, 25, 9);
const HOUR = 3_600_000;

function candidate(id: string, options: { section?: string; hoursAgo?: number; reads?: number; extra?: FeatureKey[]; story?: string | null } = {}): FeedCandidate {
  const section = featureKey('section', options.section ?? 'politics');
  return {
    id,
    publishedAt: NOW - (options.hoursAgo ?? 1) * HOUR,
    features: [section, ...(options.extra ?? [])],
    section,
    story: options.story ?? null,
    recentReads: options.reads ?? 0,
  };
}

const profile = (changes: Partial<ReaderProfile>): ReaderProfile => ({ ...EMPTY_PROFILE, ...changes });

describe('rankFeed', () => {
  it('ranks a followed topic’s fresh article above an unfollowed one, and says why', () => {
    const iraq = featureKey('entity', 'iraq');
    const ranked = rankFeed(
      [candidate('other', { hoursAgo: 1, reads: 5 }), candidate('followed', { hoursAgo: 3, extra: [iraq] })],
      profile({ followed: new Set([iraq]) }),
      NOW,
      10,
    );
    expect(ranked.map((item) => item.id)).toEqual(['followed', 'other']);
    expect(ranked[0]!.explanation).toEqual({ kind: 'follow', feature: iraq });
  });

  it('never shows hidden topics, read articles or hidden articles', () => {
    const sport = featureKey('section', 'sport');
    const ranked = rankFeed(
      [candidate('a', { section: 'sport' }), candidate('b'), candidate('c'), candidate('d', { extra: [featureKey('source', 'x')] })],
      profile({ hidden: new Set([sport, featureKey('source', 'x')]), excluded: new Set(['c']) }),
      NOW,
      10,
    );
    expect(ranked.map((item) => item.id)).toEqual(['b']);
  });

  it('keeps at most N of one section in each block of ten, and fills up when nothing else is left', () => {
    const candidates = [
      ...Array.from({ length: 12 }, (_, i) => candidate(`p${i}`, { hoursAgo: 1 + i / 10 })),
      ...Array.from({ length: 3 }, (_, i) => candidate(`s${i}`, { section: 'sport', hoursAgo: 20 })),
      ...Array.from({ length: 3 }, (_, i) => candidate(`e${i}`, { section: 'economy', hoursAgo: 20 })),
    ];
    const ranked = rankFeed(candidates, profile({ followed: new Set([featureKey('section', 'politics')]) }), NOW, 18, { ...DEFAULT_RANKING, perSectionCap: 4 });
    const firstTen = ranked.slice(0, 10).map((item) => item.id);
    expect(firstTen.filter((id) => id.startsWith('p'))).toHaveLength(4);
    expect(ranked).toHaveLength(18);
  });

  it('keeps at most the story cap of one story in a block', () => {
    const candidates = Array.from({ length: 6 }, (_, i) =>
      candidate(`x${i}`, { section: `s${i}`, story: i < 4 ? 'one-story' : null, reads: 10 - i }),
    );
    const ranked = rankFeed(candidates, EMPTY_PROFILE, NOW, 4);
    expect(ranked.filter((item) => item.id < 'x4')).toHaveLength(2);
  });

  it('lowers, without removing, what the reader asked to see fewer of', () => {
    const tech = featureKey('section', 'tech');
    const ranked = rankFeed([candidate('t', { section: 'tech', hoursAgo: 1 }), candidate('o', { hoursAgo: 6 })], profile({ fewer: new Set([tech]) }), NOW, 10);
    expect(ranked.map((item) => item.id)).toEqual(['o', 't']);
  });

  it('gives a cold-start reader popular and fresh articles, explained as trending or new in a section', () => {
    const ranked = rankFeed(
      [candidate('old-popular', { hoursAgo: 30, reads: 200 }), candidate('fresh', { hoursAgo: 0.5, section: 'culture' }), candidate('stale', { hoursAgo: 150 })],
      EMPTY_PROFILE,
      NOW,
      10,
    );
    expect(ranked.map((item) => item.id)).toEqual(['old-popular', 'fresh', 'stale']);
    expect(ranked[0]!.explanation).toEqual({ kind: 'trending' });
    expect(ranked[1]!.explanation).toEqual({ kind: 'fresh', section: featureKey('section', 'culture') });
  });
});

describe('learnInterests', () => {
  it('learns more from recent, long and saved reads than from old skims', () => {
    const sport = featureKey('section', 'sport');
    const economy = featureKey('section', 'economy');
    const learned = learnInterests(
      [
        { at: NOW - 60 * 86_400_000, dwellSeconds: 10, saved: false, features: [economy] },
        { at: NOW - 60 * 86_400_000, dwellSeconds: 10, saved: false, features: [economy] },
        { at: NOW - HOUR, dwellSeconds: 200, saved: true, features: [sport] },
      ],
      NOW,
    );
    expect(learned.get(sport)!).toBeGreaterThan(learned.get(economy)! * 5);
  });

  it('learns a taste from reads alone and explains it', () => {
    const tech = featureKey('section', 'tech');
    const learned = learnInterests(Array.from({ length: 8 }, () => ({ at: NOW - HOUR, dwellSeconds: 120, saved: false, features: [tech] })), NOW);
    const ranked = rankFeed([candidate('p', { hoursAgo: 1 }), candidate('t', { section: 'tech', hoursAgo: 5 })], profile({ learned }), NOW, 10);
    expect(ranked[0]).toMatchObject({ id: 't', explanation: { kind: 'learned', feature: tech } });
  });
});

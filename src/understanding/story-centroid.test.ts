import { describe, expect, it } from 'vitest';
import {
  addMember,
  type CentroidMember,
  centroidScore,
  decodeCentroid,
  emptyCentroid,
  encodeCentroid,
  mergeCentroid,
  STORY_TIME_SCALE_DAYS,
} from './story-centroid.ts';
import { storyScore } from './understanding.service.ts';

const article = (leadTerms: string[], entityIds: string[], publishedAt = '2018-06-12T08:00:00Z') => ({ leadTerms, entityIds, publishedAt });
const asSets = (member: ReturnType<typeof article>) => ({ ...member, leadTerms: new Set(member.leadTerms), entityIds: new Set(member.entityIds) });
const weights: Record<string, number> = { kim: 1, trump: 0.25, singapore: 0.8 };
const weight = (id: string) => weights[id] ?? 1;

const centroidOf = (...members: CentroidMember[]) => {
  const centroid = emptyCentroid();
  for (const member of members) addMember(centroid, member);
  return centroid;
};

describe('story centroid', () => {
  it('scores a story of one article as storyScore scores the two articles', () => {
    const centroid = emptyCentroid();
    addMember(centroid, article(['قمه', 'سنغافور', 'كيم', 'لقاء'], ['kim', 'trump']));
    const score = centroidScore(centroid, asSets(article(['قمه', 'كيم', 'ترامب'], ['kim', 'singapore'])), weight);
    // Lead stems: 2 shared of 5; entities: kim shared (1) of kim + trump + singapore (2.05).
    expect(score).toBeCloseTo(storyScore(2 / 5, 1, 2.05), 10);
  });

  it('counts a stem carried by few of the story’s articles for little', () => {
    const centroid = emptyCentroid();
    for (let i = 0; i < 4; i++) addMember(centroid, article(['قمه', 'كيم', `يوم${i}`], ['kim']));
    const core = centroidScore(centroid, asSets(article(['قمه', 'كيم'], ['kim'])), weight);
    const fringe = centroidScore(centroid, asSets(article(['يوم0', 'يوم1'], [])), weight);
    expect(core).toBeGreaterThan(0.6);
    expect(fringe).toBeLessThan(0.1);
  });

  it('fades with the time between the article and the story’s mean publication time', () => {
    const centroid = emptyCentroid();
    addMember(centroid, article(['قمه', 'كيم'], ['kim'], '2018-06-11T08:00:00Z'));
    addMember(centroid, article(['قمه', 'كيم'], ['kim'], '2018-06-13T08:00:00Z'));
    const sameDay = centroidScore(centroid, asSets(article(['قمه', 'كيم'], ['kim'], '2018-06-12T08:00:00Z')), weight);
    const weekLater = centroidScore(centroid, asSets(article(['قمه', 'كيم'], ['kim'], '2018-06-19T08:00:00Z')), weight);
    expect(sameDay).toBeCloseTo(1, 10);
    expect(weekLater).toBeCloseTo(Math.exp(-7 / STORY_TIME_SCALE_DAYS), 10);
  });

  it('takes an article out again exactly, merges two stories and survives storage', () => {
    const centroid = emptyCentroid();
    addMember(centroid, article(['a', 'b'], ['kim']));
    addMember(centroid, article(['b', 'c'], ['trump']));
    addMember(centroid, article(['b', 'c'], ['trump']), -1);
    expect(centroid).toEqual(centroidOf(article(['a', 'b'], ['kim'])));

    const other = emptyCentroid();
    addMember(other, article(['b', 'd'], ['kim', 'singapore']));
    mergeCentroid(centroid, other);
    expect(centroid.articles).toBe(2);
    expect(centroid.terms.get('b')).toBe(2);
    expect(centroid.entities.get('kim')).toBe(2);
    expect(decodeCentroid(encodeCentroid(centroid))).toEqual(centroid);
  });
});

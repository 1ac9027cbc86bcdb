// npm run eval:feed — offline evaluation of the "لك" feed on the real corpus in ../shared/data (read at run time,
// never committed).
//
// Simulated readers with hidden interest profiles (categories, sources, entities) visit the site in time order
// over the corpus's months. At each visit the reader reads a few of the articles published in the last 48 hours,
// chosen by their hidden tastes, each article's own appeal and its freshness; those reads are the ground truth.
// Before the reads are recorded, three feeds are built from the same candidates (articles of the last 48 hours
// the reader has not read): the personalized feed (src/feed/ranking.ts, the engine the site runs, fed the same
// shapes the service reads from the database), latest-first, and most-popular (reads by everyone in 48 hours).
// nDCG@10 and hit-rate@10 measure how well each feed put the articles read into its top ten; coverage is the share
// of the catalogue any top ten ever showed; intra-list diversity is the mean pairwise (1 − Jaccard) of the
// features of a top ten. Some readers follow what they like at sign-up (onboarding); the others are learned
// from their reads alone. Entities are found in titles with a small gazetteer written for this evaluation, standing
// in for the understanding capability's entities.
import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { normalizeArabic } from '../src/arabic/normalize.ts';
import {
  DEFAULT_RANKING,
  type FeatureKey,
  type FeedCandidate,
  featureKey,
  learnInterests,
  type RankingOptions,
  rankFeed,
  type ReadSignal,
} from '../src/feed/ranking.ts';
import { corpusPath, seededRandom } from './corpus.ts';

const READERS = Number(process.env.EVAL_READERS ?? 1000);
const VISIT_SHARE = Number(process.env.EVAL_VISIT_SHARE ?? 0.3);
const HOUR = 3_600_000;
const POOL_HOURS = 48;
const K = 10;

/** Places, people, organisations and events we look for in titles (our own list, in their usual spellings). */
const GAZETTEER = [
  'العراق', 'سوريا', 'مصر', 'السعودية', 'الإمارات', 'قطر', 'إيران', 'تركيا', 'اليمن', 'لبنان', 'فلسطين', 'غزة',
  'إسرائيل', 'الأردن', 'ليبيا', 'تونس', 'الجزائر', 'المغرب', 'السودان', 'روسيا', 'الصين', 'الولايات المتحدة',
  'واشنطن', 'فرنسا', 'بريطانيا', 'ألمانيا', 'أوروبا', 'ترامب', 'بوتين', 'أردوغان', 'ماكرون', 'الأمم المتحدة',
  'الحوثي', 'داعش', 'ريال مدريد', 'برشلونة', 'ليفربول', 'كأس العالم', 'صلاح', 'ميسي', 'رونالدو', 'فيفا', 'النفط',
  'أوبك', 'الدولار', 'آبل', 'غوغل', 'فيسبوك', 'سامسونغ', 'بيتكوين',
].map((name) => ({ name, key: normalizeArabic(name) }));

interface EvalArticle extends FeedCandidate {
  category: string;
  source: string;
  entities: string[];
  appeal: number;
  readTimes: number[];
}

async function readArticles(random: () => number): Promise<EvalArticle[]> {
  if (!fs.existsSync(corpusPath)) throw new Error(`corpus not found at ${corpusPath} (see ../shared/data/README.md)`);
  const articles: EvalArticle[] = [];
  const lines = readline.createInterface({ input: fs.createReadStream(corpusPath).pipe(zlib.createGunzip()) });
  for await (const line of lines) {
    const record = JSON.parse(line) as { docno: string; src: string; cat: string; title: string; time: string };
    const publishedAt = Date.parse(record.time);
    // The corpus is dense from February to October 2018; a few older pages are left out.
    if (!Number.isFinite(publishedAt) || publishedAt < Date.UTC(2018, 1, 1)) continue;
    const title = normalizeArabic(record.title);
    const entities = GAZETTEER.filter((entry) => title.includes(entry.key)).map((entry) => entry.name);
    const section = featureKey('section', record.cat);
    articles.push({
      id: record.docno,
      publishedAt,
      section,
      story: null,
      recentReads: 0,
      features: [section, featureKey('source', record.src), ...entities.map((entity) => featureKey('entity', entity))],
      category: record.cat,
      source: record.src,
      entities,
      // Some articles are simply more interesting than others, to every reader: log-normal appeal.
      appeal: Math.exp(0.8 * gaussian(random)),
      readTimes: [],
    });
  }
  return articles.sort((a, b) => a.publishedAt - b.publishedAt);
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

interface SimulatedReader {
  categories: Map<string, number>;
  sources: Map<string, number>;
  entities: Set<string>;
  followed: Set<FeatureKey>;
  history: ReadSignal[];
  read: Set<string>;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

function makeReader(random: () => number, categories: string[], sources: string[], entities: string[]): SimulatedReader {
  const liked = new Set([pick(categories, random), ...(random() < 0.5 ? [pick(categories, random)] : [])]);
  const likedSource = pick(sources, random);
  const likedEntities = new Set(Array.from({ length: Math.floor(random() * 4) }, () => pick(entities, random)));
  const reader: SimulatedReader = {
    categories: new Map(categories.map((category) => [category, liked.has(category) ? 1 : 0.03 + 0.1 * random()])),
    sources: new Map(sources.map((source) => [source, source === likedSource ? 1 : 0.4])),
    entities: likedEntities,
    followed: new Set(),
    history: [],
    read: new Set(),
  };
  // Half the readers pick topics at onboarding: one liked section and the entities they care about.
  if (random() < 0.5) {
    reader.followed.add(featureKey('section', [...liked][0]!));
    for (const entity of likedEntities) reader.followed.add(featureKey('entity', entity));
  }
  return reader;
}

/** How much a reader wants an article, by their hidden tastes alone. */
function taste(reader: SimulatedReader, article: EvalArticle): number {
  let value = (reader.categories.get(article.category) ?? 0.05) * (reader.sources.get(article.source) ?? 0.4);
  if (article.entities.some((entity) => reader.entities.has(entity))) value *= 5;
  return value;
}

/** Draws `count` articles without replacement, each with probability proportional to its weight. */
function drawWeighted<T>(items: T[], weights: number[], count: number, random: () => number): T[] {
  const chosen: T[] = [];
  const left = weights.slice();
  let total = left.reduce((sum, weight) => sum + weight, 0);
  for (let n = 0; n < count && total > 0; n++) {
    let target = random() * total;
    let index = 0;
    while (index < left.length - 1 && target >= left[index]!) target -= left[index++]!;
    chosen.push(items[index]!);
    total -= left[index]!;
    left[index] = 0;
  }
  return chosen;
}

function ndcg(list: string[], relevant: Set<string>): number {
  let dcg = 0;
  list.slice(0, K).forEach((id, rank) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(rank + 2);
  });
  let ideal = 0;
  for (let rank = 0; rank < Math.min(K, relevant.size); rank++) ideal += 1 / Math.log2(rank + 2);
  return ideal > 0 ? dcg / ideal : 0;
}

function intraListDiversity(list: EvalArticle[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = new Set(list[i]!.features);
      const b = list[j]!.features;
      const shared = b.filter((feature) => a.has(feature)).length;
      sum += 1 - shared / (a.size + b.length - shared);
      pairs++;
    }
  }
  return pairs ? sum / pairs : 0;
}

class Metrics {
  ndcg = 0;
  hits = 0;
  lists = 0;
  diversity = 0;
  shown = new Set<string>();
  add(list: EvalArticle[], relevant: Set<string>) {
    const ids = list.map((article) => article.id);
    this.ndcg += ndcg(ids, relevant);
    if (ids.slice(0, K).some((id) => relevant.has(id))) this.hits++;
    this.diversity += intraListDiversity(list);
    for (const id of ids) this.shown.add(id);
    this.lists++;
  }
  summary(catalogue: number) {
    return {
      ndcgAt10: this.ndcg / this.lists,
      hitRateAt10: this.hits / this.lists,
      coverage: this.shown.size / catalogue,
      intraListDiversity: this.diversity / this.lists,
    };
  }
}

/** Runs the whole simulation with the given ranking options; deterministic for a given seed. */
export async function evaluateFeed(options: RankingOptions = DEFAULT_RANKING, seed = 7) {
  const random = seededRandom(seed);
  const articles = await readArticles(random);
  const categories = [...new Set(articles.map((article) => article.category))].sort();
  const sources = [...new Set(articles.map((article) => article.source))].sort();
  const entityCounts = new Map<string, number>();
  for (const article of articles) for (const entity of article.entities) entityCounts.set(entity, (entityCounts.get(entity) ?? 0) + 1);
  // Readers care about entities in proportion to how much news there is about them.
  const entityPool = [...entityCounts].flatMap(([entity, count]) => Array<string>(Math.ceil(count / 20)).fill(entity));
  const readers = Array.from({ length: READERS }, () => makeReader(random, categories, sources, entityPool));

  // Visits: each reader comes on a share of the days, at a random time, and reads one to four articles.
  const first = articles[0]!.publishedAt + POOL_HOURS * HOUR;
  const last = articles.at(-1)!.publishedAt;
  const visits: { reader: number; at: number; reads: number }[] = [];
  readers.forEach((_, index) => {
    const share = VISIT_SHARE * (0.4 + 1.2 * random());
    for (let day = first; day < last; day += 24 * HOUR) {
      if (random() < share) visits.push({ reader: index, at: day + Math.floor(random() * 24 * HOUR), reads: 1 + Math.floor(random() * 4) });
    }
  });
  visits.sort((a, b) => a.at - b.at);

  const systems = { personalized: new Metrics(), latest: new Metrics(), popular: new Metrics() };
  // Cold start: visits by readers who follow nothing and have read fewer than five articles.
  const cold = { personalized: new Metrics(), latest: new Metrics(), popular: new Metrics() };
  const catalogue = new Set<string>();
  let windowStart = 0;
  let windowEnd = 0;
  const started = performance.now();
  let rankingMs = 0;
  for (const visit of visits) {
    while (windowEnd < articles.length && articles[windowEnd]!.publishedAt <= visit.at) windowEnd++;
    while (windowStart < windowEnd && articles[windowStart]!.publishedAt <= visit.at - POOL_HOURS * HOUR) windowStart++;
    const reader = readers[visit.reader]!;
    const pool = articles.slice(windowStart, windowEnd).filter((article) => !reader.read.has(article.id));
    if (pool.length < K) continue;
    for (const article of pool) {
      catalogue.add(article.id);
      const since = visit.at - POOL_HOURS * HOUR;
      article.recentReads = article.readTimes.filter((time) => time > since).length;
    }

    // Ground truth: what this reader reads now, by taste × appeal × freshness, independent of any feed.
    const weights = pool.map(
      (article) => taste(reader, article) * article.appeal * 2 ** (-(visit.at - article.publishedAt) / (24 * HOUR)),
    );
    const readNow = drawWeighted(pool, weights, visit.reads, random);
    const relevant = new Set(readNow.map((article) => article.id));

    const rankStarted = performance.now();
    const profile = {
      followed: reader.followed,
      learned: learnInterests(reader.history, visit.at, options),
      fewer: new Set<FeatureKey>(),
      hidden: new Set<FeatureKey>(),
      excluded: reader.read,
    };
    const byId = new Map(pool.map((article) => [article.id, article]));
    const personalized = rankFeed(pool, profile, visit.at, K, options).map((item) => byId.get(item.id)!);
    rankingMs += performance.now() - rankStarted;
    const latest = pool.slice().sort((a, b) => b.publishedAt - a.publishedAt).slice(0, K);
    const popular = pool
      .slice()
      .sort((a, b) => b.recentReads - a.recentReads || b.publishedAt - a.publishedAt)
      .slice(0, K);
    const lists = { personalized, latest, popular };
    for (const name of Object.keys(lists) as (keyof typeof lists)[]) {
      systems[name].add(lists[name], relevant);
      if (reader.history.length < 5 && reader.followed.size === 0) cold[name].add(lists[name], relevant);
    }

    for (const article of readNow) {
      const fondness = taste(reader, article);
      reader.history.push({
        at: visit.at,
        dwellSeconds: Math.round(15 + 150 * Math.min(1, fondness) * random()),
        saved: fondness >= 1 && random() < 0.1,
        features: article.features,
      });
      reader.read.add(article.id);
      article.readTimes.push(visit.at);
    }
  }
  const evaluated = systems.personalized.lists;
  return {
    readers: READERS,
    articles: articles.length,
    visits: visits.length,
    evaluatedVisits: evaluated,
    reads: readers.reduce((sum, reader) => sum + reader.read.size, 0),
    onboardedReaders: readers.filter((reader) => reader.followed.size > 0).length,
    articlesWithEntities: articles.filter((article) => article.entities.length > 0).length,
    rankingMsPerFeed: rankingMs / evaluated,
    seconds: (performance.now() - started) / 1000,
    all: Object.fromEntries(Object.entries(systems).map(([name, metrics]) => [name, metrics.summary(catalogue.size)])),
    cold: Object.fromEntries(Object.entries(cold).map(([name, metrics]) => [name, metrics.summary(catalogue.size)])),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await evaluateFeed();
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  console.log(
    `${result.readers} simulated readers, ${result.articles} real articles, ${result.evaluatedVisits} visits evaluated ` +
      `(${result.reads} reads; ${result.onboardedReaders} readers followed topics at onboarding; ` +
      `${result.articlesWithEntities} articles with a gazetteer entity) in ${result.seconds.toFixed(0)} s, ` +
      `ranking ${result.rankingMsPerFeed.toFixed(2)} ms per feed`,
  );
  for (const [label, group] of [['all visits', result.all], ['cold start (no follows, fewer than 5 reads)', result.cold]] as const) {
    console.log(`\n${label}:`);
    console.log('system        nDCG@10  hit@10  coverage  diversity');
    for (const [name, m] of Object.entries(group)) {
      console.log(`${name.padEnd(13)} ${m.ndcgAt10.toFixed(4)}   ${percent(m.hitRateAt10).padStart(6)}  ${percent(m.coverage).padStart(7)}   ${m.intraListDiversity.toFixed(3)}`);
    }
    const best = Math.max(group.latest!.ndcgAt10, group.popular!.ndcgAt10);
    console.log(`personalized nDCG@10 vs the better baseline: ${((group.personalized!.ndcgAt10 / best - 1) * 100).toFixed(1)}% (${(group.personalized!.ndcgAt10 - best).toFixed(4)} absolute)`);
  }
  fs.mkdirSync(new URL('results/', import.meta.url), { recursive: true });
  fs.writeFileSync(new URL('results/feed-eval.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
}

import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { analyzeForms } from '../arabic/analyzer.ts';
import type { IndexedText } from '../db/search-index.ts';

/** The parts of an article the search index reads. */
export interface ArticleWords {
  title: string;
  subtitle: string | null;
  paragraphs: string[];
}

/** An article's title and body analyzed as the index stores them (see IndexedText). */
export function indexedText(article: ArticleWords): IndexedText {
  const title = analyzeForms(article.title);
  const body = analyzeForms([article.subtitle ?? '', ...article.paragraphs].join('\n'));
  return {
    titleExact: title.exact.join(' '),
    titleStem: title.stem.join(' '),
    bodyExact: body.exact.join(' '),
    bodyStem: body.stem.join(' '),
  };
}

/** Below this many articles, handing them to the analysis thread costs more than it saves. */
const THREAD_MIN_ARTICLES = 20;

/** Articles per request to the analysis thread: the unit of work this thread can take back (see startAnalysis). */
const CHUNK_ARTICLES = 25;

let thread: AnalysisThread | null = null;
let threadUnusable = false;

/** Analysis of articles under way (startAnalysis). */
export interface Analysis {
  /** The articles' index texts, in their order, once all are analyzed. Never rejects. */
  texts(): Promise<IndexedText[]>;
}

/**
 * Starts analyzing articles for the index (indexedText), on a helper thread when there are enough of them and a
 * core to spare, so that a bulk save writes rows on this thread while the other analyzes (analysis is about half of
 * an import's work). The work is shared rather than handed over: the helper thread takes the articles a chunk at a
 * time from the front, and `texts()` analyzes here the chunks it has not started yet, from the back, instead of
 * waiting for them. So this thread never sits idle while work remains, however the two threads' speeds compare.
 * Should the helper thread fail, its share is analyzed here.
 */
export function startAnalysis(articles: ArticleWords[]): Analysis {
  if (articles.length < THREAD_MIN_ARTICLES || threadUnusable || os.availableParallelism() < 2) {
    return { texts: async () => articles.map(indexedText) };
  }
  thread ??= new AnalysisThread();
  const helper = thread;
  const chunks: { articles: ArticleWords[]; claim: Int32Array; answer: Promise<IndexedText[] | null> }[] = [];
  for (let start = 0; start < articles.length; start += CHUNK_ARTICLES) {
    const part = articles.slice(start, start + CHUNK_ARTICLES).map(({ title, subtitle, paragraphs }) => ({ title, subtitle, paragraphs }));
    const claim = new Int32Array(new SharedArrayBuffer(4));
    const answer = helper.analyze(part, claim).catch(() => {
      // A thread that cannot start (or died) is not started again in this process.
      threadUnusable = true;
      if (thread === helper) thread = null;
      return null;
    });
    chunks.push({ articles: part, claim, answer });
  }
  return {
    async texts() {
      const analyzedHere = new Map<number, IndexedText[]>();
      // The helper thread answers requests in order: once it has claimed a chunk, it has claimed every one before.
      for (let position = chunks.length - 1; position >= 0 && claimHere(chunks[position]!.claim); position--) {
        analyzedHere.set(position, chunks[position]!.articles.map(indexedText));
      }
      const texts: IndexedText[] = [];
      for (const [position, chunk] of chunks.entries()) {
        texts.push(...(analyzedHere.get(position) ?? (await chunk.answer) ?? chunk.articles.map(indexedText)));
      }
      return texts;
    },
  };
}

/** Who analyzes a chunk: nobody yet, the helper thread, or the thread that asked (whoever claims it first). */
const UNCLAIMED = 0;
const CLAIMED_BY_HELPER = 1;
const CLAIMED_HERE = 2;

function claimHere(claim: Int32Array): boolean {
  return Atomics.compareExchange(claim, 0, UNCLAIMED, CLAIMED_HERE) === UNCLAIMED;
}

/** The helper thread's side of claimHere: whether it may analyze the chunk. */
export function claimForHelper(claim: Int32Array): boolean {
  return Atomics.compareExchange(claim, 0, UNCLAIMED, CLAIMED_BY_HELPER) === UNCLAIMED;
}

/** A worker thread that runs indexedText; answers come back in the order asked. */
export class AnalysisThread {
  private readonly worker = new Worker(new URL('../lib/typescript-worker.mjs', import.meta.url), {
    workerData: { module: new URL('./index-text.worker.ts', import.meta.url).href },
  });
  private readonly pending = new Map<number, { resolve: (texts: IndexedText[] | null) => void; reject: (error: Error) => void }>();
  private nextId = 0;

  constructor() {
    // Only an answer being waited for keeps the process alive.
    this.worker.unref();
    this.worker.on('message', ({ id, texts }: { id: number; texts: IndexedText[] | null }) => {
      this.pending.get(id)?.resolve(texts);
      this.pending.delete(id);
      if (this.pending.size === 0) this.worker.unref();
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`the analysis thread exited with code ${code}`)));
  }

  /**
   * The articles' index texts; null when the chunk was claimed elsewhere first (claimHere) so the thread left it.
   * Without a claim the thread always analyzes.
   */
  analyze(articles: ArticleWords[], claim?: Int32Array): Promise<IndexedText[] | null> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, articles, claim });
    });
  }

  /** Ends the thread (tests; the process's own thread never holds it open). */
  close(): Promise<number> {
    return this.worker.terminate();
  }

  private failAll(error: Error): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}

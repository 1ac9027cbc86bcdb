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

let thread: AnalysisThread | null = null;
let threadUnusable = false;

/**
 * indexedText for many articles, on a helper thread when there are enough of them and a core to spare, so that a
 * bulk save can write rows on this thread while the other analyzes (analysis is about a third of an import's
 * work). The promise never rejects: should the thread fail, the same analysis runs here.
 */
export async function indexedTexts(articles: ArticleWords[]): Promise<IndexedText[]> {
  const here = () => articles.map(indexedText);
  if (articles.length < THREAD_MIN_ARTICLES || threadUnusable || os.availableParallelism() < 2) return here();
  thread ??= new AnalysisThread();
  try {
    return await thread.analyze(articles.map(({ title, subtitle, paragraphs }) => ({ title, subtitle, paragraphs })));
  } catch {
    // A thread that cannot start (or died) is not started again in this process.
    threadUnusable = true;
    thread = null;
    return here();
  }
}

/** A worker thread that runs indexedText; answers come back in the order asked. */
export class AnalysisThread {
  private readonly worker = new Worker(new URL('../lib/typescript-worker.mjs', import.meta.url), {
    workerData: { module: new URL('./index-text.worker.ts', import.meta.url).href },
  });
  private readonly pending = new Map<number, { resolve: (texts: IndexedText[]) => void; reject: (error: Error) => void }>();
  private nextId = 0;

  constructor() {
    // Only an answer being waited for keeps the process alive.
    this.worker.unref();
    this.worker.on('message', ({ id, texts }: { id: number; texts: IndexedText[] }) => {
      this.pending.get(id)?.resolve(texts);
      this.pending.delete(id);
      if (this.pending.size === 0) this.worker.unref();
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`the analysis thread exited with code ${code}`)));
  }

  analyze(articles: ArticleWords[]): Promise<IndexedText[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, articles });
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

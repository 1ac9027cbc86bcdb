// The analysis thread of index-text.ts: analyzes the articles it is sent and answers with their index text.
import { parentPort } from 'node:worker_threads';
import { type ArticleWords, indexedText } from './index-text.ts';

parentPort!.on('message', ({ id, articles }: { id: number; articles: ArticleWords[] }) => {
  parentPort!.postMessage({ id, texts: articles.map(indexedText) });
});

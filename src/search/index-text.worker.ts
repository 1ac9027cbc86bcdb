// The analysis thread of index-text.ts: analyzes the articles it is sent and answers with their index text, or
// with null when the sender claimed them first (startAnalysis shares chunks between the two threads).
import { parentPort } from 'node:worker_threads';
import { type ArticleWords, claimForHelper, indexedText } from './index-text.ts';

parentPort!.on('message', ({ id, articles, claim }: { id: number; articles: ArticleWords[]; claim?: Int32Array }) => {
  const texts = !claim || claimForHelper(claim) ? articles.map(indexedText) : null;
  parentPort!.postMessage({ id, texts });
});

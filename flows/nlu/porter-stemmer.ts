import type * as Stemmers from 'natural/lib/natural/stemmers';

/** natural's English Porter stemmer, loaded alone: its stemmers index loads every language's (4 MB of heap). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const PorterStemmer: typeof Stemmers.PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer');

/**
 * Stemming a word is a pure function and a hub's customers use a few thousand words, while each
 * stem costs a dozen regular expressions (bench:ingest with flows on: 8% of the hub's CPU went to
 * stemming the same words again). The stemmer remembers them; `tokenizeAndStem` calls `stem` on
 * this same object, so the classifier's own stemming is remembered too. Bounded: a flood of new
 * words starts the memory over rather than growing it.
 */
const REMEMBERED_WORDS = 20_000;
const remembered = new Map<string, string>();
const stemWord = PorterStemmer.stem.bind(PorterStemmer);
PorterStemmer.stem = (token: string): string => {
  const known = remembered.get(token);
  if (known !== undefined) return known;
  const stem = stemWord(token);
  if (remembered.size >= REMEMBERED_WORDS) remembered.clear();
  remembered.set(token, stem);
  return stem;
};

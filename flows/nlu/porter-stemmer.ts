import type * as Stemmers from 'natural/lib/natural/stemmers';

/** natural's English Porter stemmer, loaded alone: its stemmers index loads every language's (4 MB of heap). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const PorterStemmer: typeof Stemmers.PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer');

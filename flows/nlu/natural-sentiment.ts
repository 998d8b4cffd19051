import { SentimentAnalyzer } from 'natural/lib/natural/sentiment';
import { PorterStemmer } from 'natural/lib/natural/stemmers';
import { WordTokenizer } from 'natural/lib/natural/tokenizers';
import type { SentimentLabel, SentimentScorer } from './recognizer';

/** Scores below/above this are negative/positive; AFINN averages near zero are neutral. */
const NEUTRAL_BAND = 0.05;

/** Sentiment of a comment: natural's AFINN analyzer over stemmed words, averaged per word. */
export class NaturalSentiment implements SentimentScorer {
  private readonly analyzer = new SentimentAnalyzer('English', PorterStemmer, 'afinn');
  private readonly tokenizer = new WordTokenizer();

  score(text: string): { score: number; label: SentimentLabel } {
    const words = this.tokenizer.tokenize(text.slice(0, 5000).toLowerCase());
    const raw = words.length === 0 ? 0 : this.analyzer.getSentiment(words);
    const score = Number.isFinite(raw) ? Math.round(raw * 1000) / 1000 : 0;
    const label: SentimentLabel = score > NEUTRAL_BAND ? 'positive' : score < -NEUTRAL_BAND ? 'negative' : 'neutral';
    return { score, label };
  }
}

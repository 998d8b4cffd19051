import type * as Sentiment from 'natural/lib/natural/sentiment';
import { WordTokenizer } from 'natural/lib/natural/tokenizers';
import { PorterStemmer } from './porter-stemmer';
import type { SentimentLabel, SentimentScorer } from './recognizer';

/** Scores below/above this are negative/positive; AFINN averages near zero are neutral. */
const NEUTRAL_BAND = 0.05;

/** Sentiment of a comment: natural's AFINN analyzer over stemmed words, averaged per word. */
export class NaturalSentiment implements SentimentScorer {
  private analyzer: Sentiment.SentimentAnalyzer | null = null;
  private readonly tokenizer = new WordTokenizer();

  score(text: string): { score: number; label: SentimentLabel } {
    const words = this.tokenizer.tokenize(text.slice(0, 5000).toLowerCase());
    const raw = words.length === 0 ? 0 : this.loadedAnalyzer().getSentiment(words);
    const score = Number.isFinite(raw) ? Math.round(raw * 1000) / 1000 : 0;
    const label: SentimentLabel = score > NEUTRAL_BAND ? 'positive' : score < -NEUTRAL_BAND ? 'negative' : 'neutral';
    return { score, label };
  }

  /**
   * The analyzer is built on the first comment scored: natural's SentimentAnalyzer loads the
   * lexicons of every language it knows (11 MB of heap), which a hub whose flows never score
   * sentiment should not hold.
   */
  private loadedAnalyzer(): Sentiment.SentimentAnalyzer {
    if (!this.analyzer) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { SentimentAnalyzer } = require('natural/lib/natural/sentiment') as typeof Sentiment;
      this.analyzer = new SentimentAnalyzer('English', PorterStemmer, 'afinn');
    }
    return this.analyzer;
  }
}

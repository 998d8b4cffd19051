/** What an intent step learns from: a name and example phrases. */
export interface IntentExamples {
  name: string;
  examples: string[];
}

/** The best guess for a text, with a confidence between 0 and 1; no intent when nothing fits. */
export interface Recognition {
  intent: string | null;
  confidence: number;
}

/**
 * The engine's port for understanding free text. Trained once per flow version from the
 * examples in the flow; the engine never sees the classifier behind it.
 */
export interface Recognizer {
  classify(text: string): Recognition;
}

export type RecognizerFactory = (intents: IntentExamples[]) => Recognizer;

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

/** The engine's port for scoring a feedback comment. */
export interface SentimentScorer {
  score(text: string): { score: number; label: SentimentLabel };
}

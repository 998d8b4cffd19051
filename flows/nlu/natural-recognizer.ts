// natural's root module pulls storage backends and dotenv at require time: submodules only.
import type * as Classifiers from 'natural/lib/natural/classifiers';
import { PorterStemmer } from './porter-stemmer';
import type { IntentExamples, Recognition, Recognizer, RecognizerFactory } from './recognizer';

// Of the classifiers, the Bayes one alone: their index also loads the maxent and logistic
// regression classifiers, 16 MB of heap the hub never uses (bench:memory).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BayesClassifier: typeof Classifiers.BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier');

/**
 * Intent recognition with natural's naive Bayes classifier over Porter stems. Bayes always
 * names some class, so a text sharing no stem with any example is "no intent" (confidence 0):
 * emoji, gibberish and off-topic lines reach the fallback instead of a random intent.
 */
export class NaturalRecognizer implements Recognizer {
  private readonly classifier = new BayesClassifier(PorterStemmer);
  private readonly vocabulary = new Set<string>();
  private readonly single: string | null;

  constructor(intents: IntentExamples[]) {
    for (const intent of intents) {
      for (const example of intent.examples) {
        this.classifier.addDocument(example, intent.name);
        for (const stem of stems(example)) this.vocabulary.add(stem);
      }
    }
    this.single = intents.length === 1 ? intents[0].name : null;
    if (!this.single) this.classifier.train();
  }

  classify(text: string): Recognition {
    const words = stems(text);
    const known = words.filter((stem) => this.vocabulary.has(stem));
    if (known.length === 0) return { intent: null, confidence: 0 };
    // One class leaves Bayes nothing to compare: the share of the text's words the examples know is the confidence.
    if (this.single) return { intent: this.single, confidence: known.length / words.length };
    // The stems, not the text: the classifier would tokenize and stem it again.
    const ranked = this.classifier.getClassifications(words);
    const total = ranked.reduce((sum, item) => sum + item.value, 0);
    if (ranked.length === 0 || total <= 0) return { intent: null, confidence: 0 };
    return { intent: ranked[0].label, confidence: ranked[0].value / total };
  }
}

export const naturalRecognizer: RecognizerFactory = (intents) => new NaturalRecognizer(intents);

function stems(text: string): string[] {
  // Long texts are cut: a 10 KB paste must not cost a 10 KB classification.
  return PorterStemmer.tokenizeAndStem(text.slice(0, 2000));
}

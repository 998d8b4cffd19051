import { Foundation1795943077980 } from '../../migrations/1795943077980-Foundation';
import { Flows1795944257116 } from '../../migrations/1795944257116-Flows';
import { FeedbackReview1795944777059 } from '../../migrations/1795944777059-FeedbackReview';

/** Every migration in order; a schema change adds one file in migrations/ and one line here. */
export const MIGRATIONS = [Foundation1795943077980, Flows1795944257116, FeedbackReview1795944777059];

import { Foundation1795943077980 } from '../../migrations/1795943077980-Foundation';
import { SlackThreads1795944187844 } from '../../migrations/1795944187844-SlackThreads';

/** Every migration in order; a schema change adds one file in migrations/ and one line here. */
export const MIGRATIONS = [Foundation1795943077980, SlackThreads1795944187844];

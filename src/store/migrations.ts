import { Foundation1795943077980 } from '../../migrations/1795943077980-Foundation';
import { Inbox1795943884730 } from '../../migrations/1795943884730-Inbox';

/** Every migration in order; a schema change adds one file in migrations/ and one line here. */
export const MIGRATIONS = [Foundation1795943077980, Inbox1795943884730];

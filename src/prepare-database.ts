import 'reflect-metadata';
import { prepareDatabase } from './app';
import { loadConfig } from './config';

/**
 * The first start's preparation, in a process of its own (forked by main.ts when no embedded
 * cluster exists yet): creates, migrates and seeds the database, tells the hub what the seeding
 * answered (the demo admin's password is shown once), and exits, taking the memory all that grew
 * with it.
 */
prepareDatabase(loadConfig()).then(
  (seed) => process.send?.(seed, () => process.exit(0)),
  (error: unknown) => {
    console.error('Rapport could not prepare its database:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

import { openStoreOptionsFromEnv } from './src/store/cli-data-source';

/** The DataSource the TypeORM CLI uses (`npm run migrate`): DATABASE_URL, else embedded PGlite. */
export default openStoreOptionsFromEnv();

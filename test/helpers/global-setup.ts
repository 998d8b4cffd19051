import { buildInboxUi } from '../../scripts/build-inbox';
import createMigratedTemplate from './migrated-template';

/**
 * Once per `npm test`, before any worker starts:
 *   - the inbox UI is built, so that `npm test` on a fresh clone serves /inbox. Browser suites
 *     used to rebuild it each in its own beforeAll, and one suite's rebuild (which empties the
 *     folder first) could leave another worker's page without its script: a sign-in form that
 *     never appeared, in the clean-clone CI;
 *   - one migrated database is made for every test hub to copy (test/helpers/migrated-template.ts).
 */
export default async function globalSetup(): Promise<void> {
  await buildInboxUi();
  await createMigratedTemplate();
}

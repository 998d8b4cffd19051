import { removeMigratedTemplate } from './migrated-template';

export default async function teardown(): Promise<void> {
  await removeMigratedTemplate();
}

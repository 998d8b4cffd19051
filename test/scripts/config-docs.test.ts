// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { readFileSync } from 'node:fs';
import { configSchema } from '../../src/config';
import { CONFIGURATION_REFERENCE, formattedConfigReference } from '../../scripts/config-docs';

describe('the configuration reference (docs/configuration.md)', () => {
  it('is what `npm run config:docs` generates from the config schema today', async () => {
    // Fails when a variable is added or changed in src/config.ts without regenerating the file.
    expect(readFileSync(CONFIGURATION_REFERENCE, 'utf8')).toBe(await formattedConfigReference());
  });

  it('lists every variable the hub reads, each with its meaning', async () => {
    const reference = await formattedConfigReference();
    for (const name of Object.keys(configSchema.shape)) {
      expect(reference).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, 'm'));
    }
  });

  it('gives each default as the schema does', async () => {
    const reference = await formattedConfigReference();
    expect(reference).toMatch(/^\| `PORT` +\| `3000` +\|/m);
    expect(reference).toMatch(/^\| `RAPPORT_DATA_DIR` +\| `\.\/data` +\|/m);
    expect(reference).toMatch(/^\| `DATABASE_URL` +\| — +\| required for more than one process +\|/m);
  });
});

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { flowJsonSchema } from '../flows/schema/json-schema';

/** `npm run flows:schema`: regenerates flows/schema.json from the zod schema. */
async function main(): Promise<void> {
  const file = path.resolve(__dirname, '../flows/schema.json');
  const options = (await resolveConfig(file)) ?? {};
  const text = await format(JSON.stringify(flowJsonSchema()), { ...options, parser: 'json' });
  writeFileSync(file, text);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

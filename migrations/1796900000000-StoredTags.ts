import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contact tags in one spelling (src/store/contacts/stored-tags.ts): trimmed, lower-cased, once
 * each. The API and flows already stored them so; imports kept the file's spelling ("VIP"), which
 * the directory's tag filter then missed. Segments now compare tags by plain containment, so the
 * rows written before are brought to the one spelling here, keeping each tag's first position.
 */
export class StoredTags1796900000000 implements MigrationInterface {
  name = 'StoredTags1796900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      UPDATE contacts c
         SET tags = ARRAY(SELECT s.tag FROM (SELECT lower(btrim(u.tag)) AS tag, min(u.n) AS first
                                               FROM unnest(c.tags) WITH ORDINALITY AS u(tag, n)
                                              WHERE btrim(u.tag) <> ''
                                              GROUP BY 1) s
                           ORDER BY s.first)
       WHERE EXISTS (SELECT 1 FROM unnest(c.tags) AS t(tag) WHERE t.tag <> lower(btrim(t.tag)) OR btrim(t.tag) = '')
          OR cardinality(c.tags) <> (SELECT count(DISTINCT lower(btrim(t.tag))) FROM unnest(c.tags) AS t(tag))`);
  }

  async down(): Promise<void> {
    // The spellings an import kept are not recorded anywhere: there is nothing to restore.
  }
}

import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';

/** One record of an uploaded CSV file, staged as sent; refused ones keep their reason. */
@Entity({ name: 'contact_import_rows' })
export class ContactImportRow {
  @PrimaryColumn({ name: 'import_id', type: 'uuid', primaryKeyConstraintName: 'contact_import_rows_pkey' })
  @ForeignKey('ContactImport', { name: 'contact_import_rows_import_id_fkey', onDelete: 'CASCADE' })
  importId!: string;

  /** The record's place among the file's data rows, from 1. */
  @PrimaryColumn({ name: 'row_number', type: 'integer', primaryKeyConstraintName: 'contact_import_rows_pkey' })
  rowNumber!: number;

  /** The line of the file the record starts on (a quoted field may span several). */
  @Column({ type: 'integer' })
  line!: number;

  @Column({ type: 'jsonb' })
  fields!: string[];

  /** Why the row was refused: `field: reason`; null for an accepted row. */
  @Column({ type: 'text', nullable: true })
  error!: string | null;
}

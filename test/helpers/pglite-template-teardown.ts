import { removePgliteTemplate } from './pglite-template';

export default function teardown(): void {
  removePgliteTemplate();
}

import { Router } from 'express';
import { principal, requireRole } from '../auth/authenticate';
import { parseInput } from '../http/validate';
import { cannedResponseInput, cannedResponseQuery, contactChangesInput, idParam, mergeInput } from './api-schemas';
import type { CannedResponses } from './canned-responses';
import { mergeContacts, type MergeResult } from './contact-merge';
import type { ContactService } from './contact-service';
import type { DataSource } from 'typeorm';

/** `/api/contacts…` (profile, edit, merge) and `/api/canned-responses…`. */
export function contactsRouter(
  dataSource: DataSource,
  contacts: ContactService,
  canned: CannedResponses,
  onMerged: (result: MergeResult) => void,
): Router {
  const router = Router();

  router.get('/contacts/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await contacts.profile(principal(req), id));
  });

  router.patch('/contacts/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await contacts.update(principal(req), id, parseInput(contactChangesInput, req.body)));
  });

  // Merging rewrites whose history is whose: admins and managers only.
  router.post('/contacts/:id/merge', requireRole('admin', 'manager'), async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const { mergeContactId } = parseInput(mergeInput, req.body);
    const result = await mergeContacts(dataSource, id, mergeContactId);
    onMerged(result);
    res.json(await contacts.profile(principal(req), id));
  });

  router.get('/canned-responses', async (req, res) => {
    res.json({ items: await canned.list(parseInput(cannedResponseQuery, req.query).q) });
  });

  router.post('/canned-responses', requireRole('admin', 'manager'), async (req, res) => {
    res.status(201).json(await canned.create(parseInput(cannedResponseInput, req.body), principal(req).id));
  });

  router.patch('/canned-responses/:id', requireRole('admin', 'manager'), async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await canned.update(id, parseInput(cannedResponseInput.partial(), req.body)));
  });

  router.delete('/canned-responses/:id', requireRole('admin', 'manager'), async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    await canned.remove(id);
    res.status(204).end();
  });

  return router;
}

import { Router } from 'express';
import { z } from 'zod';
import { text } from '../http/text-schemas';
import { parseInput } from '../http/validate';
import { csrfGuard, principal, requireAuth, requireRole } from './authenticate';
import { passwordSchema } from './passwords';
import type { UserDirectory } from './user-directory';
import type { ApiOperation } from '../inbox/api-operation';

const ROLES = ['admin', 'manager', 'agent'] as const;
const teamsSchema = z.array(text().trim().min(1).max(100)).max(50);
const createSchema = z.object({
  email: z.email().max(320),
  name: text().trim().min(1).max(200).optional(),
  role: z.enum(ROLES),
  password: passwordSchema.optional(),
  teams: teamsSchema.optional(),
});
const adminChangesSchema = z.object({
  name: text().trim().min(1).max(200).optional(),
  role: z.enum(ROLES).optional(),
  teams: teamsSchema.optional(),
  active: z.boolean().optional(),
});
/** What a person may change about themselves: their name. Role, teams and active are ignored. */
const selfChangesSchema = z.object({ name: text().trim().min(1).max(200).optional() });
const idParam = z.object({ id: z.uuid() });

/** These routes as the OpenAPI document shows them (src/inbox/openapi.ts). */
export const usersOperations: ApiOperation[] = [
  { method: 'get', path: '/users', tag: 'users', summary: 'The team', response: 'Team' },
  {
    method: 'post',
    path: '/users',
    tag: 'users',
    summary: 'Add a person (admin)',
    body: createSchema,
    status: 201,
    response: 'TeamMember',
  },
  {
    method: 'patch',
    path: '/users/{id}',
    tag: 'users',
    summary: 'Change name, role, teams or active (admin); deactivating ends their sessions and tokens',
    body: adminChangesSchema,
    response: 'TeamMember',
  },
  {
    method: 'patch',
    path: '/me',
    tag: 'users',
    summary: 'Change your own name (other fields are ignored)',
    body: selfChangesSchema,
    response: 'TeamMember',
  },
];

/** The team: everyone may list colleagues (to assign work); only admins add or change people. */
export function usersRouter(users: UserDirectory): Router {
  const router = Router();
  router.use(['/users', '/me'], requireAuth, csrfGuard);

  router.get('/users', async (_req, res) => {
    res.json({ users: await users.list() });
  });

  router.post('/users', requireRole('admin'), async (req, res) => {
    res.status(201).json(await users.create(parseInput(createSchema, req.body)));
  });

  router.patch('/users/:id', requireRole('admin'), async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await users.update(id, parseInput(adminChangesSchema, req.body)));
  });

  router.patch('/me', async (req, res) => {
    res.json(await users.update(principal(req).id, parseInput(selfChangesSchema, req.body)));
  });

  return router;
}

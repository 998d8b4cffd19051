import type { z } from 'zod';
import type { ApiResponseName } from './api-responses';

/**
 * One route of the API as the OpenAPI document shows it. Each router exports the list of its
 * routes next to their declarations, with the very zod schemas the routes parse with, so the
 * document (openapi.ts) only assembles and cannot restate a body differently.
 */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The path under /api in OpenAPI form (`/conversations/{id}`); `{id}` is always a uuid. */
  path: string;
  tag: string;
  summary: string;
  body?: z.ZodType;
  /** A request body that is not JSON (a CSV upload): its media type; the body is then a string. */
  bodyContentType?: string;
  query?: z.ZodObject;
  /** The success status; 200 when absent. */
  status?: number;
  /**
   * The successful answer: a schema of api-responses.ts by name, or a description of one not
   * modelled there (with its media type when it is not JSON). None for a 204.
   */
  response?: ApiResponseName | { description: string; contentType?: string };
  /** A JSON answer described by the router's own schema (instead of `response`). */
  responseSchema?: z.ZodType;
  /** Routes outside the team's sign-in (POST /events takes the hub's API key). */
  security?: 'apiKey';
}

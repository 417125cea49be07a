/**
 * Every API route is declared through `apiRoute`: its OpenAPI description,
 * the permission it needs, and the problem responses it can give. The list
 * it builds (`API_ROUTES`) is what the role matrix test walks, so a route
 * cannot be added without a declared permission.
 */
import { createRoute, z, type RouteConfig } from "@hono/zod-openapi";
import type { Permission } from "../auth/roles";
import { requirePermission } from "./auth";

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ description: "Stable machine-readable problem code" }),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string(), code: z.string().optional() }))
      .optional()
      .openapi({ description: "For validation problems: each bad field" }),
  })
  .passthrough()
  .openapi("Problem");

const PROBLEM_TEXT: Record<number, string> = {
  400: "Malformed request or invalid query parameters",
  401: "Missing or invalid API key",
  403: "The key's role or store scope does not allow this",
  404: "Not found (or not visible to this key)",
  409: "Conflict with the resource's current state",
  412: "If-Match does not match the current version",
  413: "Body too large",
  415: "Body is not application/json",
  422: "The body is well-formed JSON but not valid",
};

export function problems(...statuses: number[]) {
  return Object.fromEntries(
    [400, 401, 403, ...statuses].map((s) => [s, { description: PROBLEM_TEXT[s] ?? "Problem", content: { "application/problem+json": { schema: ProblemSchema } } }]),
  );
}

/** The problems of a signed webhook endpoint: no bearer key, so no 401/403 by default. */
export function webhookProblems(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, { description: PROBLEM_TEXT[s] ?? "Problem", content: { "application/problem+json": { schema: ProblemSchema } } }]));
}

export type RouteSpec = { method: string; path: string; permission: Permission };
export const API_ROUTES: RouteSpec[] = [];

export function apiRoute<const P extends string, const R extends Omit<RouteConfig, "path" | "middleware">>(config: R & { path: P; permission: Permission }) {
  const { permission, ...route } = config;
  API_ROUTES.push({ method: route.method.toUpperCase(), path: route.path, permission });
  return createRoute({
    ...route,
    middleware: [requirePermission(permission)] as const,
    security: [{ bearer: [] }],
    description: `${route.description ?? ""}\n\nPermission: \`${permission}\``.trim(),
  });
}

/** JSON body helper for route declarations. */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { "application/json": { schema } } } as const;
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

export const Rfc3339 = z.string().openapi({ format: "date-time", example: "2026-11-26T08:00:00.000Z" });

export const ListQuery = {
  cursor: z.string().max(200).optional().openapi({ description: "Opaque cursor from the previous page's next_cursor" }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

/** A query parameter of one value or several comma-separated ones, each from `values`: `?status=open,accepted`. */
export const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(z.enum(values)).min(1).max(values.length));

export function listOf<T extends z.ZodType>(item: T, name: string) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() }).openapi(name);
}

export { decodeCursor, encodeCursor } from "./pagination";

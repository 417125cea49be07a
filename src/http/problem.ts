/**
 * The one HTTP error type. Routes and middleware throw `ApiError`; `app.onError`
 * turns it into an RFC 9457 `application/problem+json` body with a stable
 * `code` that clients can switch on. Anything else thrown is a bug and becomes
 * a 500 that names no internals.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";

export type FieldError = { field: string; message: string; code?: string };

export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
};

const STANDARD_MEMBERS = new Set(["type", "title", "status", "code", "detail", "instance"]);

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }

  body(instance?: string): ProblemBody {
    return {
      type: `/problems/${this.code}`,
      title: this.title,
      status: this.status,
      code: this.code,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      // Extensions never shadow the standard members.
      ...Object.fromEntries(Object.entries(this.extensions).filter(([k]) => !STANDARD_MEMBERS.has(k))),
    };
  }
}

export const PROBLEM_JSON = "application/problem+json";

export function problemResponse(c: Context, err: ApiError): Response {
  const res = c.body(JSON.stringify(err.body(new URL(c.req.url).pathname)), err.status, {
    "content-type": PROBLEM_JSON,
    ...err.headers,
  });
  return res;
}

/** Zod issue paths become dotted field names: `lines.0.quantity`. */
export function fieldErrors(error: ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "(body)",
    message: issue.message,
    code: issue.code,
  }));
}

export const validationFailed = (errors: FieldError[], status: 400 | 422 = 422) =>
  new ApiError(
    status,
    status === 422 ? "validation_failed" : "invalid_parameters",
    status === 422 ? "The request body is not valid" : "The request parameters are not valid",
    errors.map((e) => `${e.field}: ${e.message}`).join("; "),
    { errors },
  );

export const notFound = (what = "resource") => new ApiError(404, "not_found", "Not found", `No such ${what}`);

export const forbidden = (detail: string) => new ApiError(403, "forbidden", "Forbidden", detail);

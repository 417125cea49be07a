/**
 * The completion clock's one rule that is not plain arithmetic. While an
 * after-sales request is open a delivered order's clock is paused; when the
 * last one closes it resumes with the time it had left, but never less than
 * a day: the customer gets a day to read the outcome before the order closes.
 */
export const RESUME_AT_LEAST_MS = 24 * 60 * 60 * 1000;
export const resumeDelay = (pausedMs: number) => Math.max(pausedMs, RESUME_AT_LEAST_MS);

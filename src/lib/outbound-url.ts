/**
 * Where we may send partners' data: https, or plain http to this machine only
 * (local development and the tests' stand-in servers), and never with a user
 * or password in the URL (they would land in logs). Deployed Workers cannot
 * reach localhost, so the exception opens nothing in production.
 */
export function outboundUrlAllowed(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  if (u.protocol === "https:") return true;
  return u.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(u.hostname);
}

// The worker `npm run bench:password` runs in `wrangler dev`: `GET /?n=5` hashes n passwords at the production
// cost with the code staff sign-in uses (src/staff/password.ts) and verifies the last one (n + 1 derivations).
import { hashPassword, PRODUCTION_COST, verifyPassword } from "../src/staff/password";

export default {
  async fetch(request: Request): Promise<Response> {
    const n = Math.min(50, Number(new URL(request.url).searchParams.get("n") ?? 0));
    let last = "";
    for (let i = 0; i < n; i++) last = await hashPassword(`correct horse battery staple ${i}`, PRODUCTION_COST);
    if (n && !(await verifyPassword(`correct horse battery staple ${n - 1}`, last, PRODUCTION_COST)).ok) return new Response("verify failed", { status: 500 });
    return new Response(last || "ready");
  },
};

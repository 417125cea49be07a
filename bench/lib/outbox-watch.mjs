// Watches the main worker's outbox in its local D1 file (read-only, beside
// the running server), so the bench can tell whether the queue consumers kept
// up with a scenario, and wait for them before the next one starts.
import { DatabaseSync } from "node:sqlite";
import { d1File } from "../../scripts/d1-bindings.mjs";
import { sleep } from "./procs.mjs";

export function outboxWatcher(persistDir) {
  // Shard 0 (`DB`): miniflare keeps one .sqlite per D1 database, and everything still lives on DB (docs/SHARDING.md).
  const db = new DatabaseSync(d1File(persistDir, "DB"), { readOnly: true });
  const owedStatement = db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL");
  const owed = () => Number(owedStatement.get().n);
  const resentStatement = db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE created_at >= ? AND attempts > 0");
  return {
    owed,
    /** Rows written since `since` (epoch ms) whose direct send was lost: the cron sweep had to send them again. */
    resent: (since) => Number(resentStatement.get(since).n),
    /** Waits until nothing is owed; resolves to the seconds it took and what was left if it gave up. */
    async drain(timeoutMs) {
      const t0 = Date.now();
      let left = owed();
      while (left > 0 && Date.now() - t0 < timeoutMs) {
        await sleep(100);
        left = owed();
      }
      return { seconds: (Date.now() - t0) / 1000, left };
    },
    close: () => db.close(),
  };
}

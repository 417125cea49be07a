// Watches the main worker's outbox in its local D1 file (read-only, beside
// the running server), so the bench can tell whether the queue consumers kept
// up with a scenario, and wait for them before the next one starts.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { sleep } from "./procs.mjs";

/** The D1 database file under a `--persist-to` directory (miniflare keeps one .sqlite per database). */
function d1File(persistDir) {
  const dir = join(persistDir, "v3", "d1", "miniflare-D1DatabaseObject");
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite") : [];
  if (files.length !== 1) throw new Error(`expected one D1 database in ${dir}, found ${files.length}`);
  return join(dir, files[0]);
}

export function outboxWatcher(persistDir) {
  const db = new DatabaseSync(d1File(persistDir), { readOnly: true });
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

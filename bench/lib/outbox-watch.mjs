// Watches the main worker's outbox in its local D1 file (read-only, beside
// the running server), so the bench can tell whether the queue consumers kept
// up with a scenario, and wait for them before the next one starts.
import { DatabaseSync } from "node:sqlite";
import { d1Bindings, d1File } from "../../scripts/d1-bindings.mjs";
import { sleep } from "./procs.mjs";

/** The shards' bindings of wrangler.toml: every D1 database but the directory, which has no outbox of its own. */
const shardBindings = () => d1Bindings().filter((b) => b !== "DIRECTORY");

export function outboxWatcher(persistDir) {
  // Every shard's file (miniflare keeps one .sqlite per D1 database): a store placed on shard 1 owes its rows there.
  // A shard without a file (a revision from before it, measured with BENCH_REF) has nothing to watch.
  const dbs = shardBindings().flatMap((binding) => {
    try {
      return [new DatabaseSync(d1File(persistDir, binding), { readOnly: true })];
    } catch (err) {
      if (binding === "DB") throw err;
      return [];
    }
  });
  const owedStatements = dbs.map((db) => db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL"));
  const owed = () => owedStatements.reduce((sum, st) => sum + Number(st.get().n), 0);
  const resentStatements = dbs.map((db) => db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE created_at >= ? AND attempts > 0"));
  const topicStatements = dbs.map((db) => db.prepare("SELECT topic, COUNT(*) AS n FROM outbox WHERE created_at >= ? GROUP BY topic"));
  return {
    owed,
    /** Rows written since `since` (epoch ms) whose direct send was lost: the cron sweep had to send them again. */
    resent: (since) => resentStatements.reduce((sum, st) => sum + Number(st.get(since).n), 0),
    /** Rows written since `since`, by topic (the queue each is sent to): the messages the work set off. */
    byTopic(since) {
      const out = {};
      for (const st of topicStatements) for (const r of st.all(since)) out[r.topic] = (out[r.topic] ?? 0) + Number(r.n);
      return out;
    },
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
    close: () => {
      for (const db of dbs) db.close();
    },
  };
}

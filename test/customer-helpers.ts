/** Shared by the customers API and console tests. */
import { env } from "./shard-env";
import { linkChangedOrders } from "../src/customers/link-orders";
import { recountDirty } from "../src/customers/refresh-customers";
import { shardsInUse } from "../src/db/homes";
import { forEachShard } from "../src/db/shard";
import { unique } from "./helpers";

/** What the customers' cron does, now and until caught up (without the lag, and without the backfill's walk of every order): each shard's orders linked, then the recount. */
export async function sync() {
  await forEachShard(
    env,
    async (onIt) => {
      while ((await linkChangedOrders(onIt, { upTo: Date.now() + 1000, limit: 200 })) > 0);
    },
    await shardsInUse(env),
  );
  while ((await recountDirty(env, { limit: 200 })) > 0);
}

/** A buyer of their own: email, the phone as typed (international and national), its E.164 form, a name and its one word. */
export const person = () => {
  const tag = unique("p").replace(/[^a-z0-9]/gi, "");
  const digits = String(Math.floor(Math.random() * 9_000_000) + 1_000_000);
  return {
    email: `${tag}@example.com`,
    phone: `+1 415 ${digits.slice(0, 3)} ${digits.slice(3, 7)}`,
    national: `415-${digits.slice(0, 3)}-${digits.slice(3, 7)}`,
    e164: `+1415${digits.slice(0, 7)}`,
    name: `Ada ${tag}`,
    word: tag,
  };
};

import { describe, expect, it } from "vitest";
import type { OnShard, Shard } from "../db/shard";
import type { Env, OutboxMessage } from "../env";
import { COALESCE_MS, sendOutbox, sendOutboxSoon } from "./send";
import type { OutboxRow } from "./topics";

/** Queues that record each sendBatch (or fail it): how many round trips the queue service would see. */
function recordingQueues(fail = false, shard: Shard = { id: "s0", binding: "DB" }) {
  const calls: { queue: string; ids: string[] }[] = [];
  const sent: OutboxMessage[] = [];
  const queue = (name: string) => ({
    async sendBatch(messages: { body: OutboxMessage }[]) {
      if (fail) throw new Error(`${name} is down`);
      calls.push({ queue: name, ids: messages.map((m) => m.body.id) });
      sent.push(...messages.map((m) => m.body));
    },
  });
  const env = {
    FULFILMENT_QUEUE: queue("fulfilment"),
    NOTIFICATIONS_QUEUE: queue("notifications"),
    WEBHOOKS_QUEUE: queue("webhooks"),
    LOGISTICS_QUEUE: queue("logistics"),
    shard,
  } as unknown as OnShard<Env>;
  return { env, calls, sent };
}

let n = 0;
const row = (topic: OutboxRow["topic"]): OutboxRow => ({ id: `obx_${n++}`, orderId: "ord_1", topic, type: "order.approved", payload: {}, createdAt: 0 });

describe("sending the outbox", () => {
  it("sendOutbox sends each queue's rows in batches of at most 100 and names what left", async () => {
    const { env, calls } = recordingQueues();
    const rows = [...Array.from({ length: 150 }, () => row("fulfilment")), row("notifications")];
    expect((await sendOutbox(env, rows)).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(calls.map((c) => [c.queue, c.ids.length]).sort()).toEqual([
      ["fulfilment", 100],
      ["fulfilment", 50],
      ["notifications", 1],
    ]);
  });

  it("rows handed over within the window leave together: one sendBatch per queue", async () => {
    const { env, calls } = recordingQueues();
    const first = [row("fulfilment"), row("notifications")];
    const second = [row("fulfilment")];
    const third = [row("notifications")];
    const lead = sendOutboxSoon(env, first);
    // Joiners do not wait on the first caller's send (another request's I/O): theirs resolve at once.
    await sendOutboxSoon(env, second);
    await sendOutboxSoon(env, third);
    expect(calls).toEqual([]);
    await lead;
    expect(calls).toEqual(
      expect.arrayContaining([
        { queue: "fulfilment", ids: [first[0]!.id, second[0]!.id] },
        { queue: "notifications", ids: [first[1]!.id, third[0]!.id] },
      ]),
    );
    expect(calls).toHaveLength(2);
  });

  it("a gathering takes at most 100 rows; the next rows open a gathering of their own", async () => {
    const { env, calls } = recordingQueues();
    const lead = sendOutboxSoon(
      env,
      Array.from({ length: 99 }, () => row("fulfilment")),
    );
    await sendOutboxSoon(env, [row("fulfilment")]);
    const second = sendOutboxSoon(env, [row("fulfilment")]);
    await Promise.all([lead, second]);
    expect(calls.map((c) => c.ids.length)).toEqual([100, 1]);
  });

  it("after the window a new gathering opens, and a failed send rejects its leader's promise (who then retries)", async () => {
    const up = recordingQueues();
    await sendOutboxSoon(up.env, [row("fulfilment")]);
    await new Promise((r) => setTimeout(r, COALESCE_MS + 1));
    const down = recordingQueues(true);
    await expect(sendOutboxSoon(down.env, [row("fulfilment")])).rejects.toThrow("fulfilment is down");
    expect(up.calls).toHaveLength(1);
  });

  it("each message names the shard whose outbox holds its row, also when a gathering mixes two shards' rows", async () => {
    const zero = recordingQueues();
    const one = { ...zero.env, shard: { id: "s1", binding: "DB_1" } } as OnShard<Env>;
    const [a, b] = [row("fulfilment"), row("fulfilment")];
    const lead = sendOutboxSoon(zero.env, [a]);
    await sendOutboxSoon(one, [b]);
    await lead;
    expect(zero.sent.map((m) => [m.id, m.shard])).toEqual([
      [a.id, "s0"],
      [b.id, "s1"],
    ]);
    const c = row("notifications");
    await sendOutbox(one, [c]);
    expect(zero.sent.at(-1)).toMatchObject({ id: c.id, shard: "s1" });
  });
});

// Types of generate-orders.mjs, for the TypeScript tests that use it.
export type GeneratedOrder = {
  order: Record<string, string | number | null> & { id: string; store_id: string; created_at: number; updated_at: number };
  lines: { order_id: string; line_no: number; sku: string; name: string; type: string; quantity: number; unit_price: number; total_amount: number }[];
  events: {
    id: string;
    order_id: string;
    seq: number;
    type: string;
    from_status: string | null;
    to_status: string;
    actor: string;
    reason: string | null;
    data: string | null;
    created_at: number;
  }[];
  /** With the `fulfilment` option: what processing and logistics recorded (generate-facts.mjs). */
  plan?: unknown;
  facts?: Partial<Record<FactTable, Record<string, string | number | null>[]>>;
};

export type FactTable = "shipments" | "shipment_items" | "stock_movements" | "warehouse_events" | "audit_results" | "shipment_tracking" | "logistics_exceptions";

export function prng(seed: number): () => number;

export function generateOrders(options: {
  seed?: number;
  count: number;
  start: number;
  end: number;
  stores: { id: string; currency: string }[];
  channels?: string[];
  actors: { audit: string[]; warehouse: string[]; logistics: string[]; system: string[] };
  currencies?: string[];
  skus?: number;
  fulfilment?: { warehouses: { id: string; currency: string }[]; workers: string[] };
}): Generator<GeneratedOrder>;

export function applyEvents(order: GeneratedOrder["order"], events: GeneratedOrder["events"]): GeneratedOrder["order"];
export function asOf(generated: GeneratedOrder, t: number): GeneratedOrder | null;

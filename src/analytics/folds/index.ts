/** Every rollup fold, in the order their statements run. A new source of facts is one more file and one more entry here. */
import { auditFindings } from "./audit-findings";
import { carrierPerformance } from "./carrier-performance";
import { finance } from "./finance";
import { floorWork } from "./floor-work";
import { grossProfit } from "./gross-profit";
import type { Fold } from "./fold";
import { holdReasons } from "./hold-reasons";
import { orderCounts } from "./order-counts";
import { processingTimes } from "./processing-times";
import { skuSales } from "./sku-sales";
import { staffActions } from "./staff-actions";

export const FOLDS: readonly Fold[] = [orderCounts, processingTimes, staffActions, holdReasons, skuSales, floorWork, auditFindings, carrierPerformance, finance, grossProfit];

/** Every rollup table, each written by one fold (`derived` in src/db/placement.ts). */
export const ROLLUP_TABLES: readonly string[] = FOLDS.flatMap((f) => f.tables);

export type { Fold, FoldUnit } from "./fold";

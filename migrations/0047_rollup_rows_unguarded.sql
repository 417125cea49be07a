-- The rollup rows lose their pool-move guards (docs/SHARDING.md section 8): only a rollup run writes them, and the runs
-- write none of a moving store's rows themselves (src/analytics/refold-dirty.ts), while each guard ran for every row a
-- refold wrote, with no move under way too (docs/analytics.md). The configuration the rollups were built with
-- (rollup_stores) and the dirty marks (rollup_dirty) keep theirs: marks made during a copy are logged and carried to
-- the target, which refolds them.
DROP TRIGGER `move_guard_rollup_order_hours_insert`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_order_hours_update`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_order_hours_delete`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_order_days_insert`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_order_days_update`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_order_days_delete`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_durations_insert`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_durations_update`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_durations_delete`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_sla_breaches_insert`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_sla_breaches_update`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_sla_breaches_delete`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_staff_days_insert`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_staff_days_update`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_staff_days_delete`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_reason_days_insert`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_reason_days_update`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_reason_days_delete`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_sku_days_insert`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_sku_days_update`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_sku_days_delete`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_floor_days_insert`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_floor_days_update`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_floor_days_delete`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_audit_days_insert`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_audit_days_update`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_audit_days_delete`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_carrier_days_insert`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_carrier_days_update`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_carrier_days_delete`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_gross_profit_days_insert`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_gross_profit_days_update`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_gross_profit_days_delete`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_finance_days_insert`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_finance_days_update`;
--> statement-breakpoint
DROP TRIGGER `move_guard_rollup_finance_days_delete`;

/**
 * Purchasing: suppliers and what each supplies, purchase orders (the list,
 * a new one, one order with its actions and its change), and receiving goods
 * against an order. Each page checks the permission of its main API call
 * first (read, manage or receive); the API checks again.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";
import { need } from "../guard";
import { changeOrder, transition } from "./order-actions";
import { orderPdf } from "./order-document";
import { orderPage } from "./order-page";
import { createOrder, newOrderPage, ordersPage } from "./orders";
import { receiveGoods, receivePage } from "./receive";
import { changeSupplier, changeWebhook, putItem, removeItem, setSupplierActive, supplierPage } from "./supplier-page";
import { addSupplier, suppliersPage } from "./suppliers";

export const purchasingPages = new Hono<ConsoleEnv>();

purchasingPages.get("/console/purchasing", (c) => need(c, "procurement:read") ?? ordersPage(c));
purchasingPages.get("/console/purchasing/new", (c) => need(c, "procurement:manage") ?? newOrderPage(c));
purchasingPages.post("/console/purchasing/new", (c) => need(c, "procurement:manage") ?? createOrder(c));

purchasingPages.get("/console/purchasing/orders/:id", (c) => need(c, "procurement:read") ?? orderPage(c, c.req.param("id")));
purchasingPages.get("/console/purchasing/orders/:id/pdf", (c) => need(c, "procurement:read") ?? orderPdf(c, c.req.param("id")));
purchasingPages.post("/console/purchasing/orders/:id/transition", (c) => need(c, "procurement:manage") ?? transition(c, c.req.param("id")));
purchasingPages.post("/console/purchasing/orders/:id/change", (c) => need(c, "procurement:manage") ?? changeOrder(c, c.req.param("id")));
purchasingPages.get("/console/purchasing/orders/:id/receive", (c) => need(c, "procurement:receive") ?? receivePage(c, c.req.param("id")));
purchasingPages.post("/console/purchasing/orders/:id/receive", (c) => need(c, "procurement:receive") ?? receiveGoods(c, c.req.param("id")));

purchasingPages.get("/console/purchasing/suppliers", (c) => need(c, "procurement:read") ?? suppliersPage(c));
purchasingPages.post("/console/purchasing/suppliers", (c) => need(c, "procurement:manage") ?? addSupplier(c));
purchasingPages.get("/console/purchasing/suppliers/:id", (c) => need(c, "procurement:read") ?? supplierPage(c, c.req.param("id")));
purchasingPages.post("/console/purchasing/suppliers/:id", (c) => need(c, "procurement:manage") ?? changeSupplier(c, c.req.param("id")));
// The secret's page is the answer to the form; its address opened again (a bookmark, the address bar) is the supplier.
purchasingPages.get("/console/purchasing/suppliers/:id/webhook", (c) => c.redirect(`/console/purchasing/suppliers/${encodeURIComponent(c.req.param("id"))}#sending`, 303));
purchasingPages.post("/console/purchasing/suppliers/:id/webhook", (c) => need(c, "procurement:manage") ?? changeWebhook(c, c.req.param("id")));
purchasingPages.post("/console/purchasing/suppliers/:id/active", (c) => need(c, "procurement:manage") ?? setSupplierActive(c, c.req.param("id")));
purchasingPages.post("/console/purchasing/suppliers/:id/items", (c) => need(c, "procurement:manage") ?? putItem(c, c.req.param("id")));
purchasingPages.post("/console/purchasing/suppliers/:id/items/remove", (c) => need(c, "procurement:manage") ?? removeItem(c, c.req.param("id")));

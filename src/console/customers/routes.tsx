/**
 * Customers: the list and search (and its CSV), one customer's page, and
 * its forms: tags and notes, merge and unmerge, the privacy export and
 * erasure. Each route checks the permission of its API call first
 * (read, manage, export or erase); the API checks again.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";
import { need } from "../guard";
import { addNote, erase, eraseConfirmPage, exportCustomer, merge, mergeConfirmPage, saveTags, unmerge } from "./actions";
import { customerPage } from "./customer-page";
import { customersCsv, customersListPage } from "./list";

export const customerPages = new Hono<ConsoleEnv>();

customerPages.get("/console/customers", (c) => need(c, "customers:read") ?? customersListPage(c));
customerPages.get("/console/customers.csv", (c) => need(c, "customers:export") ?? customersCsv(c));
customerPages.get("/console/customers/:id", (c) => need(c, "customers:read") ?? customerPage(c, c.req.param("id")));
customerPages.post("/console/customers/:id/tags", (c) => need(c, "customers:manage") ?? saveTags(c, c.req.param("id")));
customerPages.post("/console/customers/:id/note", (c) => need(c, "customers:manage") ?? addNote(c, c.req.param("id")));
customerPages.get("/console/customers/:id/merge", (c) => need(c, "customers:manage") ?? mergeConfirmPage(c, c.req.param("id")));
customerPages.post("/console/customers/:id/merge", (c) => need(c, "customers:manage") ?? merge(c, c.req.param("id")));
customerPages.post("/console/customers/:id/unmerge", (c) => need(c, "customers:manage") ?? unmerge(c, c.req.param("id")));
customerPages.get("/console/customers/:id/export", (c) => need(c, "customers:export") ?? exportCustomer(c, c.req.param("id")));
customerPages.get("/console/customers/:id/erase", (c) => need(c, "customers:erase") ?? eraseConfirmPage(c, c.req.param("id")));
customerPages.post("/console/customers/:id/erase", (c) => need(c, "customers:erase") ?? erase(c, c.req.param("id")));

// vitest globalSetup: one stand-in platform server for the whole run (see ./server.mjs).
import { startStandIn } from "./server.mjs";

export default async function ({ provide }) {
  const standIn = await startStandIn();
  provide("standInUrl", standIn.url);
  return () => standIn.close();
}

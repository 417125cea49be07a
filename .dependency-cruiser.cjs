// dependency-cruiser (`npm run deps`, part of `npm run lint`): the module
// rules of docs/architecture.md that the type checker cannot see.
//
// Only runtime imports count: tsPreCompilationDeps is false, so modules are
// read as TypeScript emits them and `import type` (and imports used only as
// types) disappear. A type may cross a boundary; a call may not.

/** The stages: each plugs into the order kernel through one interface, wired in src/index.ts. */
const STAGES = ["audit", "after-sales", "fulfilment", "logistics", "inventory", "notifications", "customer", "analytics", "edits", "channels"];

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle makes load order decide which side sees undefined, and makes both sides one module in all but name.",
      from: {},
      to: { circular: true },
    },
    {
      name: "kernel-imports-no-stage",
      severity: "error",
      comment: "The order kernel (src/orders) imports no stage: stages plug in through one interface and are wired in src/index.ts.",
      from: { path: "^src/orders/" },
      to: { path: `^src/(${STAGES.join("|")})/` },
    },
  ],
  options: {
    tsPreCompilationDeps: false,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: ["node_modules", "^worker-configuration\\.d\\.ts$"] },
    exclude: { path: "^worker-configuration\\.d\\.ts$" },
    // `cloudflare:workers`, `cloudflare:test`: provided by the runtime, like node: built-ins.
    builtInModules: { add: ["cloudflare:workers", "cloudflare:test", "cloudflare:sockets", "cloudflare:email"] },
  },
};

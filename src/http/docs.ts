/**
 * The interactive API reference at /docs: Swagger UI, built into the Worker
 * by `npm install` (scripts/vendor-docs.mjs), so it needs no CDN and no
 * static-assets binding in front of the API.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";

function docsPage(specUrl: string, version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Edge OMS API</title>
  <link rel="stylesheet" href="/docs/vendor/swagger-ui.css?v=${version}">
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/vendor/swagger-ui-bundle.js?v=${version}"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: "#ui", persistAuthorization: true, tryItOutEnabled: true });
  </script>
</body>
</html>`;
}

// Loaded on first use: only a visit to /docs pays for parsing two megabytes of Swagger UI.
const vendor = () => import("./swagger-ui.generated");

export const docsRoutes = new Hono<AppEnv>();

docsRoutes.get("/docs", async (c) => c.html(docsPage("/openapi.json", (await vendor()).SWAGGER_UI_VERSION)));

const FILES: Record<string, { type: string; text: "SWAGGER_UI_JS" | "SWAGGER_UI_CSS" }> = {
  "swagger-ui-bundle.js": { type: "text/javascript; charset=utf-8", text: "SWAGGER_UI_JS" },
  "swagger-ui.css": { type: "text/css; charset=utf-8", text: "SWAGGER_UI_CSS" },
};

docsRoutes.get("/docs/vendor/:file", async (c) => {
  const file = Object.hasOwn(FILES, c.req.param("file")) ? FILES[c.req.param("file")] : undefined;
  if (!file) return c.notFound();
  // The page asks for ?v=<version>, so a new Swagger UI is a new URL: the browser may keep this one for good.
  return c.body((await vendor())[file.text], 200, { "content-type": file.type, "cache-control": "public, max-age=31536000, immutable" });
});

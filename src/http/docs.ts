/** The interactive API reference at /docs: Swagger UI, served from our own static assets (no CDN). */
export function docsPage(specUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Edge OMS API</title>
  <link rel="stylesheet" href="/docs/vendor/swagger-ui.css">
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/vendor/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: "#ui", persistAuthorization: true, tryItOutEnabled: true });
  </script>
</body>
</html>`;
}

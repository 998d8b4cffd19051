const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The docs page's stylesheet, served at /api/docs.css: the hub's CSP allows no inline style. */
export const API_DOCS_CSS = `body{font-family:system-ui,sans-serif;max-width:900px;margin:30px auto;padding:0 16px;color:#1f2937}
section{border:1px solid #e5e7eb;border-radius:8px;padding:4px 14px;margin:10px 0}h3{font-size:15px}
.m{display:inline-block;min-width:58px;font-size:12px;color:#fff;border-radius:4px;padding:2px 6px;margin-right:6px;text-align:center}
.get{background:#2563eb}.post{background:#16a34a}.put{background:#9333ea}.patch{background:#d97706}.delete{background:#dc2626}
pre{background:#f3f4f6;padding:8px;border-radius:6px;font-size:12px;overflow:auto}`;

/** A readable page of the OpenAPI document: every route with its summary, parameters and body. */
export function apiDocsPage(document: Record<string, unknown>): string {
  const info = document.info as { title: string; description: string };
  const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>;
  const sections = Object.entries(paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const parameters = ((op.parameters as { name: string; in: string }[] | undefined) ?? [])
          .map((p) => `<code>${escapeHtml(p.name)}</code> <small>(${escapeHtml(p.in)})</small>`)
          .join(', ');
        const body = op.requestBody
          ? `<pre>${escapeHtml(JSON.stringify((op.requestBody as { content: Record<string, { schema: unknown }> }).content['application/json'].schema, null, 2))}</pre>`
          : '';
        return `<section><h3><span class="m ${method}">${method.toUpperCase()}</span> /api${escapeHtml(path)}</h3>
          <p>${escapeHtml(String(op.summary))}</p>${parameters ? `<p>Parameters: ${parameters}</p>` : ''}${body}</section>`;
      }),
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)}</title><link rel="stylesheet" href="/api/docs.css"></head><body>
<h1>${escapeHtml(info.title)}</h1><p>${escapeHtml(info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>${sections}</body></html>`;
}

/**
 * CSV per RFC 4180 (CRLF line ends; a field with a comma, quote or line
 * break is quoted, its quotes doubled), streamed: rows are produced page by
 * page while the client reads, so an export of any size runs in the memory
 * of one page.
 *
 * A text cell that a spreadsheet would run as a formula (it starts with
 * = + - @, a tab or a carriage return) gets a leading apostrophe. Numbers,
 * including negative decimal strings like "-12.50", are left alone.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (typeof value === "string" && FORMULA_START.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/**
 * A text/csv response whose body pulls one page at a time from `pages`.
 * The first page is read before the response starts, so a failing query is
 * still an HTTP error; a failure later can only cut the stream short.
 */
export async function csvResponse(filename: string, header: readonly string[], pages: AsyncIterator<readonly (readonly unknown[])[]>): Promise<Response> {
  const encoder = new TextEncoder();
  let pending: IteratorResult<readonly (readonly unknown[])[]> | null = await pages.next();
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(csvLine(header)));
      },
      async pull(controller) {
        const next = pending ?? (await pages.next());
        pending = null;
        if (next.done) {
          controller.close();
          return;
        }
        if (next.value.length) controller.enqueue(encoder.encode(next.value.map(csvLine).join("")));
      },
      async cancel() {
        await pages.return?.();
      },
    },
    { highWaterMark: 1 },
  );
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      "cache-control": "no-store",
    },
  });
}

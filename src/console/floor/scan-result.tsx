/** The answer to a scan, big enough to read at arm's length: green for a good scan, red (and announced) for a wrong one. */
import type { Flash } from "../context";

export function ScanResult({ result }: { result: Flash | undefined }) {
  if (!result) return null;
  if (result.kind === "warn")
    return (
      <p class="flash warn" role="status">
        {result.text}
      </p>
    );
  return result.kind === "ok" ? (
    <p class="scan-result ok" role="status">
      ✓ {result.text}
    </p>
  ) : (
    <p class="scan-result bad" role="alert">
      ✗ {result.text}
    </p>
  );
}

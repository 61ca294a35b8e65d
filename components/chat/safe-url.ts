/**
 * react-markdown's `urlTransform`: keeps absolute http(s) and mailto URLs and drops
 * everything else (javascript:, data:, vbscript:, relative paths), returning null so
 * the attribute is removed. Answers are model output, so nothing else is trusted.
 */
const ALLOWED = new Set(["http:", "https:", "mailto:"]);

export function safeUrl(url: string): string | null {
  const trimmed = url.trim();
  if (!trimmed) return null;
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return null;
  }
  // The normalised href, so what we checked is exactly what the browser follows.
  return ALLOWED.has(parsed.protocol) ? parsed.href : null;
}

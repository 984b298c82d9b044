// Repository text made safe for Markdown, shared by every capability that writes Markdown (the
// report, the cache usage section). Pure.

/** A name from the repository (crate, function, ref) is cut to this many characters. */
export const NAME_LIMIT = 200;

/** `text` cut to `limit` characters, the cut marked with an ellipsis (never inside a surrogate pair). */
export function clip(text: string, limit = NAME_LIMIT): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit - 1);
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/** Text from the repository, made inert for Markdown and HTML (and @mentions, #references). */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1')
    .replace(/@/g, '@\u200b');
}

// Which URLs become links, and what they are called: one rule for the HTML report and the page, so
// the two cannot drift. Only the official documentation sites the knowledge base cites are links;
// any other URL (one a server message or an event value carries) is untrusted and stays text, so a
// report never offers a click to wherever the input points.

const OFFICIAL = new Set(['learn.microsoft.com', 'docs.microsoft.com', 'support.microsoft.com', 'aka.ms']);

/** Whether a URL is one of the official documentation links the tool itself cites. */
export function isDocsUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && OFFICIAL.has(u.hostname.toLowerCase()) && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** A readable name for a documentation link: the site, then the section the anchor points to. */
export function docsLabel(url: string): string {
  try {
    const u = new URL(url);
    const site = u.hostname === 'learn.microsoft.com' ? 'Microsoft Learn' : u.hostname;
    const part = u.hash ? u.hash.slice(1) : (u.pathname.split('/').filter(Boolean).pop() ?? '');
    const words = decodeURIComponent(part).replace(/[-_]+/g, ' ').trim();
    return words ? `${site}: ${words}` : site;
  } catch {
    return url;
  }
}

// Where a shared component is drawn: in the page, which can act (copy a text, open a link in a new
// tab, give headings ids to label sections with), or in the HTML report, a static file with no script
// in which every id must stay unique when several devices' reports are put together. The page
// provides its actions; without them (the report) the components draw only what a file can hold.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export interface PageActions {
  /** Copies a text to the clipboard (rejects when the browser does not allow it). */
  copy(text: string): Promise<void>;
}

export const PageContext = createContext<PageActions | null>(null);

/** The page's actions, or null in the HTML report. */
export function usePage(): PageActions | null {
  return useContext(PageContext);
}

import { useState, type ReactNode } from 'react';

export const PAGE_SIZE = 50;

/**
 * One page of a long list held in memory (an event's 1000 members): the visible slice and the controls to
 * move between pages. A shorter list than a page shows no controls. The page resets when the list shrinks
 * below it (a new search).
 */
export function usePaged<T>(items: readonly T[], size = PAGE_SIZE): { shown: T[]; pager: ReactNode } {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(page, pages - 1);
  const from = current * size;
  const shown = items.slice(from, from + size);
  const pager =
    items.length <= size ? null : (
      <nav className="adm-actions adm-pager" aria-label="Pages">
        <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
          Previous
        </button>
        <span aria-live="polite">
          {from + 1}–{from + shown.length} of {items.length}
        </span>
        <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
          Next
        </button>
      </nav>
    );
  return { shown, pager };
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateOnly.format(date);
}

export function roleLabel(role: 'admin' | 'dispatch' | 'general'): string {
  switch (role) {
    case 'admin':
      return 'Admin';
    case 'dispatch':
      return 'Dispatch';
    case 'general':
      return 'General';
  }
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Case-insensitive match of a filter against any of the texts. */
export function matches(filter: string, ...texts: string[]): boolean {
  const needle = filter.trim().toLowerCase();
  return needle === '' || texts.some((text) => text.toLowerCase().includes(needle));
}

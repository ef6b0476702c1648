import type { ReactNode } from 'react';

/** A person in a list: name and badges on one line, e-mail address below. */
export function Person({ name, email, children }: { name: string; email: string; children?: ReactNode }) {
  return (
    <span className="adm-person">
      <span>
        <strong>{name}</strong>
        {children}
      </span>
      <span className="adm-muted adm-email">{email}</span>
    </span>
  );
}

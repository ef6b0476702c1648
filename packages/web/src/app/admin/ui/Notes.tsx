/** A refusal or a failed load, announced to screen readers. Renders nothing without a message. */
export function ErrorNote({ message, id }: { message: string | null | undefined; id?: string }) {
  if (message === null || message === undefined || message === '') return null;
  return (
    <p className="adm-error" role="alert" id={id}>
      {message}
    </p>
  );
}

/** A short confirmation that something worked. */
export function StatusNote({ message }: { message: string | null | undefined }) {
  if (message === null || message === undefined || message === '') return null;
  return (
    <p className="adm-status" role="status">
      {message}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return <p className="adm-muted">Loading {what}…</p>;
}

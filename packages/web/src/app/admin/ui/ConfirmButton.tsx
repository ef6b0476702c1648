import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

interface Props {
  /** The button's text, e.g. "Delete". */
  label: string;
  /** The dialog's question, e.g. "Delete the team Security?" */
  title: string;
  /** What will happen, in a sentence or two. */
  children: ReactNode;
  /** The confirming button's text, e.g. "Delete team". */
  confirmLabel: string;
  onConfirm: () => void | Promise<void>;
  disabled?: boolean;
  /** Accessible name of the opening button when the label alone is ambiguous in a list. */
  ariaLabel?: string;
  className?: string;
}

/** A button for a destructive action that asks first, in a modal dialog, with Cancel focused. */
export function ConfirmButton(props: Props) {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  const confirm = () => {
    setOpen(false);
    void props.onConfirm();
  };

  return (
    <>
      <button
        type="button"
        className={props.className ?? 'adm-danger'}
        disabled={props.disabled}
        aria-label={props.ariaLabel}
        onClick={() => setOpen(true)}
      >
        {props.label}
      </button>
      <dialog ref={dialog} className="adm-dialog" onClose={() => setOpen(false)} aria-labelledby={titleId}>
        {open && (
          <form method="dialog" onSubmit={(e) => e.preventDefault()}>
            <h3 id={titleId}>{props.title}</h3>
            <div className="adm-dialog-body">{props.children}</div>
            <div className="adm-actions">
              <button type="button" autoFocus onClick={() => setOpen(false)}>
                Cancel
              </button>
              <button type="button" className="adm-danger-solid" onClick={confirm}>
                {props.confirmLabel}
              </button>
            </div>
          </form>
        )}
      </dialog>
    </>
  );
}

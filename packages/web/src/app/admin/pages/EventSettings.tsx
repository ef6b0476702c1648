import { useId, useState, type FormEvent } from 'react';
import { RecordingRetention } from '../../history/RecordingRetention';
import { useAdmin } from '../AdminContext';
import type { EventItem } from '../data/types';
import { checkDescription, checkName, DESCRIPTION_MAX, firstProblem, NAME_MAX } from '../data/validation';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNote, StatusNote } from '../ui/Notes';
import { useAction } from '../ui/useAction';

/**
 * Admin: rename an event, change its description, require headphones for its dispatchers, or delete it with
 * everything in it.
 */
export function EventSettings({ event, onSaved }: { event: EventItem; onSaved: () => void }) {
  const { api, go } = useAdmin();
  const [name, setName] = useState(event.name);
  const [description, setDescription] = useState(event.description);
  const [headphones, setHeadphones] = useState(event.headphonesRequired);
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const remove = useAction();
  const nameId = useId();
  const descriptionId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const ok = await save.run(
      async () => {
        await api.updateEvent(event.id, {
          name: name.trim(),
          description: description.trim(),
          headphonesRequired: headphones,
        });
      },
      firstProblem(checkName('Event name', name), checkDescription(description)),
    );
    if (ok) {
      setSaved(true);
      onSaved();
    }
  };

  const deleteEvent = async () => {
    const ok = await remove.run(() => api.deleteEvent(event.id));
    if (ok) go({ page: 'events' });
  };

  return (
    <div className="adm-stack">
      <form
        className="adm-card adm-form"
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-label="Event settings"
      >
        <h3>Name and description</h3>
        <div className="adm-field">
          <label htmlFor={nameId}>Event name</label>
          <input id={nameId} value={name} maxLength={NAME_MAX} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="adm-field">
          <label htmlFor={descriptionId}>Description</label>
          <textarea
            id={descriptionId}
            value={description}
            rows={3}
            maxLength={DESCRIPTION_MAX}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        <label className="adm-check">
          <input type="checkbox" checked={headphones} onChange={(e) => setHeadphones(e.target.checked)} />
          Dispatchers must use headphones (the console asks them to confirm before they can talk)
        </label>
        <ErrorNote message={save.error} />
        {saved && <StatusNote message="Saved." />}
        <div className="adm-actions">
          <button type="submit" className="adm-primary" disabled={save.busy}>
            Save changes
          </button>
        </div>
      </form>

      <RecordingRetention eventId={event.id} />

      <section className="adm-card adm-danger-zone" aria-label="Delete event">
        <h3>Delete this event</h3>
        <p className="adm-muted">
          Deletes its teams, channels, memberships and assignments. Everyone on its channels loses access at
          once.
        </p>
        <ErrorNote message={remove.error} />
        <ConfirmButton
          label="Delete event"
          title={`Delete the event “${event.name}”?`}
          confirmLabel="Delete event"
          disabled={remove.busy}
          onConfirm={deleteEvent}
        >
          <p>
            All of its teams and channels are deleted, and everyone on them is cut off at once. This cannot be
            undone.
          </p>
        </ConfirmButton>
      </section>
    </div>
  );
}

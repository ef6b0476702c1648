import { useId, useState, type FormEvent } from 'react';
import { useAdmin } from '../AdminContext';
import type { EventItem } from '../data/types';
import { checkDescription, checkName, DESCRIPTION_MAX, firstProblem, NAME_MAX } from '../data/validation';
import { ErrorNote } from '../ui/Notes';
import { useAction } from '../ui/useAction';

/** Admin: a new event with a name and an optional description. */
export function CreateEventForm({ onCreated }: { onCreated: (event: EventItem) => void }) {
  const { api } = useAdmin();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const action = useAction();
  const nameId = useId();
  const descriptionId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    let created: EventItem | undefined;
    const ok = await action.run(
      async () => {
        created = await api.createEvent({ name: name.trim(), description: description.trim() });
      },
      firstProblem(checkName('Event name', name), checkDescription(description)),
    );
    if (ok && created !== undefined) {
      setName('');
      setDescription('');
      onCreated(created);
    }
  };

  return (
    <form className="adm-card adm-form" onSubmit={(e) => void submit(e)} noValidate aria-label="New event">
      <h2>New event</h2>
      <div className="adm-field">
        <label htmlFor={nameId}>Event name</label>
        <input
          id={nameId}
          value={name}
          maxLength={NAME_MAX}
          placeholder="e.g. Summer Festival 2025"
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <div className="adm-field">
        <label htmlFor={descriptionId}>
          Description <span className="adm-muted">(optional)</span>
        </label>
        <textarea
          id={descriptionId}
          value={description}
          rows={2}
          maxLength={DESCRIPTION_MAX}
          onChange={(e) => setDescription(e.target.value)}
        />
      </div>
      <ErrorNote message={action.error} />
      <div className="adm-actions">
        <button type="submit" className="adm-primary" disabled={action.busy}>
          Create event
        </button>
      </div>
    </form>
  );
}

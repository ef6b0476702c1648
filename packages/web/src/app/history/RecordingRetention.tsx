import { useEffect, useId, useState, type FormEvent } from 'react';
import { useHistoryApi } from './historyApi';

/** The longest retention the server accepts (a year), as in the API. */
const MAX_HOURS = 8760;

function problemOf(text: string): string | null {
  const hours = Number(text);
  if (text.trim() === '' || !Number.isInteger(hours) || hours < 0 || hours > MAX_HOURS) {
    return `Enter a whole number of hours from 0 (recording off) to ${MAX_HOURS}.`;
  }
  return null;
}

/**
 * Admin, on an event's settings: how long its transmissions are kept (hours; 0 turns recording off and the
 * next sweep removes the event's recordings).
 */
export function RecordingRetention({ eventId }: { eventId: string }) {
  const history = useHistoryApi();
  const inputId = useId();
  const [hours, setHours] = useState('');
  const [saved, setSaved] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (history === null) return;
    let live = true;
    history
      .api(`/api/events/${encodeURIComponent(eventId)}/recording`)
      .then((answer) => {
        if (live) setHours(String((answer as { retentionHours: number }).retentionHours));
      })
      .catch((caught: unknown) => {
        if (live) setError(caught instanceof Error ? caught.message : String(caught));
      });
    return () => {
      live = false;
    };
  }, [history, eventId]);

  if (history === null) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    const problem = problemOf(hours);
    setError(problem);
    if (problem !== null || busy) return;
    setBusy(true);
    try {
      const answer = (await history.api(`/api/events/${encodeURIComponent(eventId)}/recording`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ retentionHours: Number(hours) }),
      })) as { retentionHours: number };
      setSaved(answer.retentionHours);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="adm-card adm-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label="Recording"
      data-recording-retention
    >
      <h3>Recording</h3>
      <p className="adm-muted">
        Every transmission on this event&apos;s channels is recorded and kept this long. 0 turns recording off
        and removes the recordings already kept.
      </p>
      <div className="adm-field">
        <label htmlFor={inputId}>Keep recordings (hours)</label>
        <input
          id={inputId}
          type="number"
          inputMode="numeric"
          min={0}
          max={MAX_HOURS}
          step={1}
          value={hours}
          onChange={(e) => setHours(e.target.value)}
        />
      </div>
      {error !== null && (
        <p className="adm-error" role="alert">
          {error}
        </p>
      )}
      {saved !== null && (
        <p className="adm-status" role="status">
          {saved === 0 ? 'Saved: recording is off.' : `Saved: recordings are kept ${saved} h.`}
        </p>
      )}
      <div className="adm-actions">
        <button type="submit" className="adm-primary" disabled={busy}>
          Save retention
        </button>
      </div>
    </form>
  );
}

import { useId, useState } from 'react';
import { useAdmin } from '../AdminContext';
import type { RosterAnswer, RosterPlan } from '../data/types';
import { plural } from '../ui/format';
import { ErrorNote, StatusNote } from '../ui/Notes';
import { useAction } from '../ui/useAction';

/** Rows of a plan shown before the rest is summarised. */
const SHOWN = 20;

/**
 * Import of a roster CSV (preview first, then all or nothing) and export in the same format. Dispatchers may
 * import teams, channels and assignments of people already in the event; the preview says what they may not.
 */
export function RosterTab({ eventId }: { eventId: string }) {
  const { api } = useAdmin();
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [answer, setAnswer] = useState<RosterAnswer | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const action = useAction();

  const preview = () =>
    action.run(
      async () => {
        if (file === null) return;
        setStatus(null);
        setAnswer(await api.previewRoster(eventId, file));
      },
      file === null ? 'Choose a CSV file first.' : null,
    );

  const apply = () =>
    action.run(async () => {
      if (file === null) return;
      const result = await api.importRoster(eventId, file);
      setAnswer(result);
      if (result.applied === true) setStatus('Imported. Importing the same file again changes nothing.');
      else if (result.plan !== undefined) setStatus('Nothing to change: the event already matches the file.');
    });

  const download = () =>
    action.run(async () => {
      const csv = await api.exportRoster(eventId);
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = 'roster.csv';
      link.click();
      URL.revokeObjectURL(url);
    });

  const problems = answer?.problems ?? answer?.plan?.problems ?? [];
  const plan = answer?.plan;
  const canApply = plan !== undefined && plan.problems.length === 0 && answer?.applied === undefined;

  return (
    <div className="adm-stack">
      <section className="adm-card" aria-label="Import">
        <h3>Import people, teams and channels</h3>
        <p className="adm-muted">
          A CSV file with the columns <code>email, name, role, team, channels</code> (channels separated by{' '}
          <code>;</code>). Nothing is removed by an import; see the operations guide for the format.
        </p>
        <div className="adm-field">
          <label htmlFor={fileId}>Roster file (CSV)</label>
          <input
            id={fileId}
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setAnswer(null);
              setStatus(null);
            }}
          />
        </div>
        <div className="adm-actions">
          <button type="button" onClick={() => void preview()} disabled={action.busy}>
            Preview
          </button>
          <button type="button" onClick={() => void apply()} disabled={action.busy || !canApply}>
            Import
          </button>
        </div>
        <ErrorNote message={action.error ?? (problems.length > 0 ? (answer?.message ?? null) : null)} />
        <StatusNote message={status} />
        {problems.length > 0 && (
          <table className="adm-table" aria-label="Problems">
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Column</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {problems.slice(0, 200).map((p, i) => (
                <tr key={i}>
                  <td>{p.line}</td>
                  <td>{p.column ?? '—'}</td>
                  <td>{p.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {plan !== undefined && problems.length === 0 && <PlanSummary plan={plan} />}
      </section>
      <section className="adm-card" aria-label="Export">
        <h3>Export</h3>
        <p className="adm-muted">
          The event’s roster in the import format, for a spreadsheet or another event.
        </p>
        <button type="button" onClick={() => void download()} disabled={action.busy}>
          Download roster.csv
        </button>
      </section>
    </div>
  );
}

function PlanSummary({ plan }: { plan: RosterPlan }) {
  const lines: [string, string[]][] = [
    [plural(plan.createUsers.length, 'new account'), plan.createUsers.map((u) => `${u.name} <${u.email}>`)],
    [
      plural(plan.renameUsers.length, 'renamed person', 'renamed people'),
      plan.renameUsers.map((u) => `${u.from} → ${u.to}`),
    ],
    [plural(plan.addMembers.length, 'new member'), plan.addMembers.map((m) => `${m.email} (${m.role})`)],
    [
      plural(plan.changeRoles.length, 'role change'),
      plan.changeRoles.map((c) => `${c.email}: ${c.from} → ${c.to}`),
    ],
    [plural(plan.createTeams.length, 'new team'), plan.createTeams.map((t) => t.team)],
    [
      plural(plan.createChannels.length, 'new channel'),
      plan.createChannels.map((c) => `${c.team} / ${c.channel}`),
    ],
    [
      plural(plan.assign.length, 'new assignment'),
      plan.assign.map((a) => `${a.email} → ${a.team} / ${a.channel}`),
    ],
  ];
  return (
    <ul className="adm-plan" aria-label="What the import does">
      {lines.map(([title, items]) => (
        <li key={title}>
          <strong>{title}</strong>
          {items.length > 0 && (
            <span className="adm-muted">
              {' '}
              {items.slice(0, SHOWN).join(', ')}
              {items.length > SHOWN ? `, and ${items.length - SHOWN} more` : ''}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

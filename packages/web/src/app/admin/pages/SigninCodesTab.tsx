import { useCallback, useId, useState } from 'react';
import { useAdmin } from '../AdminContext';
import type { SigninCard, SigninCodeItem } from '../data/types';
import { useLoad } from '../data/useLoad';
import { formatDateTime, matches } from '../ui/format';
import { ErrorNote, Loading } from '../ui/Notes';
import { useAction } from '../ui/useAction';

const PAGE_SIZE = 50;
const HOURS = [4, 8, 12, 24, 72];

/**
 * Single-use sign-in links for people of the event: for one person or a whole team, printed as cards with a
 * QR code (one per person: name, team, code) or sent as links. A code is shown only right after it is made.
 */
export function SigninCodesTab({ eventId, eventName }: { eventId: string; eventName: string }) {
  const { api, isAdmin } = useAdmin();
  const [cards, setCards] = useState<SigninCard[]>([]);
  const [offset, setOffset] = useState(0);
  const [filter, setFilter] = useState('');
  const [teamId, setTeamId] = useState('');
  const [hours, setHours] = useState(12);
  const ids = { team: useId(), hours: useId(), filter: useId() };
  const action = useAction();

  const loadMembers = useCallback(() => api.listMembers(eventId), [api, eventId]);
  const members = useLoad(loadMembers);
  const loadTeams = useCallback(() => api.listTeams(eventId), [api, eventId]);
  const teams = useLoad(loadTeams);
  const loadCodes = useCallback(
    () => api.listSigninCodes(eventId, offset, PAGE_SIZE),
    [api, eventId, offset],
  );
  const codes = useLoad(loadCodes, { keepPrevious: true });

  const eligible = (members.data ?? []).filter((m) => !m.disabled && (isAdmin || m.role === 'general'));
  const found = eligible.filter((m) => matches(filter, m.displayName, m.email)).slice(0, PAGE_SIZE);

  const create = (input: { userIds?: string[]; teamId?: string }) =>
    action.run(async () => {
      setCards(await api.createSigninCodes(eventId, { ...input, ttlSec: hours * 3600 }));
      codes.reload();
    });

  return (
    <div className="adm-stack">
      <section className="adm-card adm-noprint" aria-label="Create sign-in codes">
        <h3>Create sign-in codes</h3>
        <p className="adm-muted">
          A code signs its person in once, on one phone, until it expires; then the session keeps them signed
          in for the shift. {isAdmin ? '' : 'Dispatchers can make codes for general members.'}
        </p>
        <div className="adm-field">
          <label htmlFor={ids.hours}>Valid for</label>
          <select id={ids.hours} value={hours} onChange={(e) => setHours(Number(e.target.value))}>
            {HOURS.map((h) => (
              <option key={h} value={h}>
                {h} hours
              </option>
            ))}
          </select>
        </div>
        <div className="adm-field">
          <label htmlFor={ids.team}>Whole team</label>
          <select id={ids.team} value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            <option value="">Choose a team…</option>
            {(teams.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              void action.run(
                async () => {
                  if (teamId !== '') await create({ teamId });
                },
                teamId === '' ? 'Choose a team first.' : null,
              )
            }
          >
            Codes for the team
          </button>
        </div>
        <div className="adm-field adm-filter">
          <label htmlFor={ids.filter}>Find a person</label>
          <input id={ids.filter} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
        <ErrorNote message={members.error ?? action.error} />
        {members.data === undefined && members.error === null && <Loading what="members" />}
        <ul className="adm-list" aria-label="People">
          {found.map((m) => (
            <li key={m.userId}>
              <span>
                {m.displayName} <span className="adm-muted">{m.email}</span>
              </span>
              <button
                type="button"
                disabled={action.busy}
                onClick={() => void create({ userIds: [m.userId] })}
              >
                Code for {m.displayName}
              </button>
            </li>
          ))}
        </ul>
        {eligible.length > found.length && (
          <p className="adm-muted">
            Showing {found.length} of {eligible.length}; search to find others.
          </p>
        )}
      </section>

      {cards.length > 0 && (
        <section className="adm-card signin-cards" aria-label="Sign-in cards">
          <div className="adm-noprint adm-actions">
            <h3>{cards.length === 1 ? 'New sign-in card' : `${cards.length} new sign-in cards`}</h3>
            <button type="button" onClick={() => window.print()}>
              Print
            </button>
            <button type="button" onClick={() => setCards([])}>
              Done
            </button>
          </div>
          <p className="adm-muted adm-noprint">
            Shown only now: print them or send the links. Anyone holding a card can sign in as its person
            once.
          </p>
          <ol className="signin-card-grid">
            {cards.map((card) => (
              <li key={card.id} className="signin-card" aria-label={`Sign-in card for ${card.displayName}`}>
                <img
                  className="signin-card__qr"
                  alt={`QR code signing in ${card.displayName}`}
                  src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(card.qrSvg)}`}
                />
                <div>
                  <strong className="signin-card__name">{card.displayName}</strong>
                  <div>{card.team ?? 'No team'}</div>
                  <div className="adm-muted">{eventName}</div>
                  <div className="adm-muted">Valid until {formatDateTime(card.expiresAt)}, once</div>
                  <a className="signin-card__link" href={card.link}>
                    {card.link}
                  </a>
                </div>
              </li>
            ))}
          </ol>
        </section>
      )}

      <section className="adm-card adm-noprint" aria-label="Sign-in codes">
        <h3>Codes of this event</h3>
        <ErrorNote message={codes.error} />
        {codes.data !== undefined && codes.data.length === 0 && offset === 0 && (
          <p className="adm-muted">No codes yet.</p>
        )}
        {codes.data !== undefined && codes.data.length > 0 && (
          <table className="adm-table">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Created</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {codes.data.map((code) => (
                <CodeRow key={code.id} code={code} onChanged={codes.reload} />
              ))}
            </tbody>
          </table>
        )}
        <div className="adm-actions">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
          >
            Newer
          </button>
          <button
            type="button"
            disabled={(codes.data?.length ?? 0) < PAGE_SIZE}
            onClick={() => setOffset(offset + PAGE_SIZE)}
          >
            Older
          </button>
        </div>
      </section>
    </div>
  );
}

function stateOf(code: SigninCodeItem, now: number): string {
  if (code.revokedAt !== null) return 'Revoked';
  if (code.usedAt !== null) return `Used ${formatDateTime(code.usedAt)}`;
  if (Date.parse(code.expiresAt) <= now) return 'Expired';
  return `Valid until ${formatDateTime(code.expiresAt)}`;
}

function CodeRow({ code, onChanged }: { code: SigninCodeItem; onChanged: () => void }) {
  const { api } = useAdmin();
  const action = useAction();
  // When the row was first shown: the list reloads after every change.
  const [now] = useState(() => Date.now());
  const open = code.revokedAt === null && code.usedAt === null && Date.parse(code.expiresAt) > now;
  return (
    <tr>
      <td>
        {code.displayName} <span className="adm-muted">{code.email}</span>
      </td>
      <td>{formatDateTime(code.createdAt)}</td>
      <td>{stateOf(code, now)}</td>
      <td>
        {open && (
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                await api.revokeSigninCode(code.id);
                onChanged();
              })
            }
          >
            Revoke code of {code.displayName}
          </button>
        )}
        <ErrorNote message={action.error} />
      </td>
    </tr>
  );
}

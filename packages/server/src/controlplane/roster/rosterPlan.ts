import type { EventRole } from '../types';
import type { RosterProblem, RosterRow } from './csvFormat';
import { assignmentKey, channelKey, type RosterState } from './rosterState';

/** What applying a roster file would do. Nothing is ever removed by an import. */
export interface RosterPlan {
  createUsers: { line: number; email: string; name: string }[];
  renameUsers: { line: number; userId: string; email: string; from: string; to: string }[];
  addMembers: { line: number; email: string; role: EventRole }[];
  changeRoles: { line: number; email: string; from: EventRole; to: EventRole }[];
  createTeams: { line: number; team: string }[];
  createChannels: { line: number; team: string; channel: string }[];
  assign: { line: number; email: string; team: string; channel: string }[];
  /** Why rows would be refused; a plan with problems is never applied. */
  problems: RosterProblem[];
}

export function planIsEmpty(plan: RosterPlan): boolean {
  return (
    plan.createUsers.length +
      plan.renameUsers.length +
      plan.addMembers.length +
      plan.changeRoles.length +
      plan.createTeams.length +
      plan.createChannels.length +
      plan.assign.length ===
    0
  );
}

/** Compares the file with the event and lists the changes. `mayManagePeople`: admins only (role rules). */
export function planRoster(
  rows: readonly RosterRow[],
  problems: readonly RosterProblem[],
  state: RosterState,
  mayManagePeople: boolean,
): RosterPlan {
  const plan: RosterPlan = {
    createUsers: [],
    renameUsers: [],
    addMembers: [],
    changeRoles: [],
    createTeams: [],
    createChannels: [],
    assign: [],
    problems: [...problems],
  };
  const adminOnly = (line: number, column: 'email' | 'name' | 'role', what: string) =>
    plan.problems.push({ line, column, reason: `Only an administrator can ${what}.` });

  const teams = new Set(state.teams.keys());
  const channels = new Set(state.channels.keys());
  /** First row of each person in the file: later rows must agree with it. */
  const people = new Map<string, RosterRow>();
  const assigned = new Set<string>();

  for (const row of rows) {
    if (row.team !== '' && !teams.has(row.team)) {
      teams.add(row.team);
      plan.createTeams.push({ line: row.line, team: row.team });
    }
    for (const channel of row.channels) {
      const key = channelKey(row.team, channel);
      if (!channels.has(key)) {
        channels.add(key);
        plan.createChannels.push({ line: row.line, team: row.team, channel });
      }
    }
    if (row.email === '' || row.role === null) continue;

    const emailKey = row.email.toLowerCase();
    const first = people.get(emailKey);
    if (first !== undefined) {
      if (first.name !== row.name) {
        plan.problems.push({
          line: row.line,
          column: 'name',
          reason: `Line ${first.line} gives this person the name "${first.name}".`,
        });
      }
      if (first.role !== row.role) {
        plan.problems.push({
          line: row.line,
          column: 'role',
          reason: `Line ${first.line} gives this person the role ${first.role ?? ''}.`,
        });
      }
    } else {
      people.set(emailKey, row);
      const known = state.users.get(emailKey);
      if (known === undefined) {
        if (mayManagePeople) plan.createUsers.push({ line: row.line, email: row.email, name: row.name });
        else adminOnly(row.line, 'email', `create the account ${row.email}`);
      } else if (known.name !== row.name) {
        if (mayManagePeople) {
          plan.renameUsers.push({
            line: row.line,
            userId: known.id,
            email: known.email,
            from: known.name,
            to: row.name,
          });
        } else adminOnly(row.line, 'name', `rename ${known.email}`);
      }
      if (known?.role === undefined) {
        if (mayManagePeople) plan.addMembers.push({ line: row.line, email: row.email, role: row.role });
        else if (known !== undefined) adminOnly(row.line, 'email', `add ${known.email} to the event`);
      } else if (known.role !== row.role) {
        if (mayManagePeople)
          plan.changeRoles.push({ line: row.line, email: known.email, from: known.role, to: row.role });
        else adminOnly(row.line, 'role', `change the role of ${known.email}`);
      }
    }
    const known = state.users.get(emailKey);
    for (const channel of row.channels) {
      const channelId = state.channels.get(channelKey(row.team, channel));
      const key = `${emailKey}\u0000${channelKey(row.team, channel)}`;
      if (assigned.has(key)) continue;
      assigned.add(key);
      if (
        known !== undefined &&
        channelId !== undefined &&
        state.assignments.has(assignmentKey(known.id, channelId))
      ) {
        continue;
      }
      plan.assign.push({ line: row.line, email: row.email, team: row.team, channel });
    }
  }
  plan.problems.sort((a, b) => a.line - b.line);
  return plan;
}

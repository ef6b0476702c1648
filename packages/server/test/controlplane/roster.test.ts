import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackends } from './helpers/backends';
import { openHarness, type Harness } from './helpers/harness';
import { buildWorld, type World } from './helpers/world';

interface Problem {
  line: number;
  column: string | null;
  reason: string;
}
interface Plan {
  createUsers: unknown[];
  renameUsers: unknown[];
  addMembers: unknown[];
  changeRoles: unknown[];
  createTeams: unknown[];
  createChannels: unknown[];
  assign: unknown[];
  problems: Problem[];
}

const HEADER = 'email,name,role,team,channels';

/** 1000 people over 10 teams of 6 channels: each on 1-2 channels of their team; every 50th a dispatcher. */
function bigRoster(tag: string, people = 1000): string {
  const lines = [HEADER];
  for (let i = 0; i < people; i += 1) {
    const team = `Team ${i % 10}`;
    const c = Math.floor(i / 10) % 6;
    const channels = [`Ch ${c}`, ...(i % 3 === 0 ? [`Ch ${(c + 1) % 6}`] : [])];
    const role = i % 50 === 0 ? 'dispatch' : 'general';
    lines.push(`p${i}.${tag}@test.example,"Steward ${i}, ${tag}",${role},${team},${channels.join(';')}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

describeOnBackends('roster CSV import and export', (backend) => {
  let h: Harness;
  let w: World;

  beforeAll(async () => {
    h = await openHarness(await backend.newDatabase());
    w = await buildWorld(h);
  });
  afterAll(() => h.close());

  const post = (url: string, csv: string | Buffer, token = w.tokens.admin): Promise<LightMyRequestResponse> =>
    h.request({ method: 'POST', url, payload: csv, headers: { 'content-type': 'text/csv' }, token });
  const preview = (eventId: string, csv: string | Buffer, token?: string) =>
    post(`/api/events/${eventId}/roster/preview`, csv, token);
  const apply = (eventId: string, csv: string | Buffer, token?: string) =>
    post(`/api/events/${eventId}/roster`, csv, token);
  const exportCsv = async (eventId: string, token = w.tokens.admin): Promise<string> => {
    const response = await h.request({ method: 'GET', url: `/api/events/${eventId}/roster.csv`, token });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    return response.body;
  };
  const counts = async (eventId: string) => {
    const members = await w.asAdmin({ method: 'GET', url: `/api/events/${eventId}/members` });
    const teams = await w.asAdmin({ method: 'GET', url: `/api/events/${eventId}/teams` });
    return {
      members: members.json<{ members: unknown[] }>().members.length,
      teams: teams.json<{ teams: unknown[] }>().teams.length,
    };
  };

  it('applies a 1000-row file in one go, then re-importing it changes nothing, and export → import is exact', async () => {
    const eventId = await w.createEvent();
    const csv = bigRoster('big');

    const previewed = await preview(eventId, csv);
    expect(previewed.statusCode, previewed.body).toBe(200);
    const plan = previewed.json<{ plan: Plan }>().plan;
    expect(plan.problems).toEqual([]);
    expect(plan.createUsers).toHaveLength(1000);
    expect(plan.addMembers).toHaveLength(1000);
    expect(plan.createTeams).toHaveLength(10);
    expect(plan.createChannels).toHaveLength(60);
    expect(plan.assign).toHaveLength(1000 + 334);
    // A preview changes nothing.
    expect((await counts(eventId)).teams).toBe(0);

    const applied = await apply(eventId, csv);
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json<{ applied: boolean }>().applied).toBe(true);
    const after = await counts(eventId);
    expect(after.teams).toBe(10);
    expect(after.members).toBe(1000 + 2); // plus dispatchA and general of the world

    // Idempotent: the same file again is a no-op.
    const again = await apply(eventId, csv);
    expect(again.statusCode).toBe(200);
    const againBody = again.json<{ applied: boolean; plan: Plan }>();
    expect(againBody.applied).toBe(false);
    expect(againBody.plan.assign).toEqual([]);
    expect(againBody.plan.createUsers).toEqual([]);

    // Export → import into a fresh event → export again: the same file.
    const exported = await exportCsv(eventId);
    expect(exported.split('\r\n').filter((l) => l !== '').length).toBe(1 + 10 + 1000 + 2);
    const reimported = await apply(eventId, exported);
    expect(reimported.json<{ applied: boolean }>().applied).toBe(false);
    const copy = await w.createEvent();
    const copied = await apply(copy, exported);
    expect(copied.statusCode, copied.body).toBe(200);
    // The copy's people already exist: only memberships, teams, channels and assignments are created.
    expect(copied.json<{ plan: Plan }>().plan.createUsers).toEqual([]);
    expect(await exportCsv(copy)).toBe(exported);

    const audit = await w.asAdmin({ method: 'GET', url: '/api/audit?limit=20' });
    const actions = audit.json<{ entries: { action: string; targetId: string }[] }>().entries;
    expect(actions.some((e) => e.action === 'event.import' && e.targetId === eventId)).toBe(true);
    expect(actions.some((e) => e.action === 'event.export' && e.targetId === eventId)).toBe(true);
  });

  it('reports every problem by line and column and changes nothing', async () => {
    const eventId = await w.createEvent();
    const csv = [
      HEADER,
      'ok1@test.example,Good One,general,North,Gate 1',
      'not-an-email,Bad Mail,general,North,Gate 1',
      'ok2@test.example,,general,North,Gate 2',
      'ok3@test.example,Third,captain,North,',
      ',,,,',
      'ok4@test.example,Fourth,general,,Gate 3',
      'ok1@test.example,Good Two,general,South,Gate 9',
    ].join('\n');
    const response = await apply(eventId, csv);
    expect(response.statusCode).toBe(400);
    const body = response.json<{ error: { code: string; message: string }; problems: Problem[] }>();
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(/nothing was changed/);
    expect(body.problems.map((p) => [p.line, p.column])).toEqual([
      [3, 'email'],
      [4, 'name'],
      [5, 'role'],
      [6, 'team'],
      [7, 'channels'],
      [8, 'name'],
    ]);
    expect(body.problems[2]?.reason).toMatch(/captain/);
    expect(await counts(eventId)).toEqual({ members: 2, teams: 0 });
  });

  it('refuses unreadable files with a clear reason, never a 500', async () => {
    const eventId = await w.createEvent();
    const cases: [string, string | Buffer, RegExp][] = [
      ['latin-1', Buffer.from(`${HEADER}\nj\xf6rg@test.example,J\xf6rg,general,,\n`, 'latin1'), /not UTF-8/],
      ['utf-16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n`, 'utf16le')]), /UTF-16/],
      ['missing columns', 'email,name\na@test.example,A\n', /lacks the columns role, team, channels/],
      ['unclosed quote', `${HEADER}\na@test.example,"A,general,,\n`, /not valid CSV/],
      ['empty', '', /empty/],
      ['binary', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]), /binary/],
      ['10 MB of junk', Buffer.alloc(10 * 1024 * 1024, 'x'), /larger than 5 MB/],
    ];
    for (const [name, csv, reason] of cases) {
      const response = await preview(eventId, csv);
      expect(response.statusCode, name).toBe(400);
      expect(response.json<{ error: { message: string } }>().error.message, name).toMatch(reason);
    }
    const huge = await preview(eventId, Buffer.alloc(20 * 1024 * 1024, 'y'));
    expect(huge.statusCode).toBe(413);
    expect(huge.json<{ error: { code: string } }>().error.code).toBe('bad_request');
  });

  it('guards formula cells on export so a spreadsheet shows them as text, and reads them back exactly', async () => {
    const eventId = await w.createEvent();
    const csv = `${HEADER}\nformula@test.example,"=cmd|' /C calc'!A0",general,+Team,@Gate;-1\n`;
    expect((await apply(eventId, csv)).statusCode).toBe(200);
    const exported = await exportCsv(eventId);
    const line = exported.split('\r\n').find((l) => l.startsWith('formula@'));
    expect(line).toBe(`formula@test.example,'=cmd|' /C calc'!A0,general,'+Team,'-1; @Gate`);
    // No cell of the file starts with a formula character.
    for (const row of exported.replace(/^\uFEFF/, '').split('\r\n')) {
      for (const cell of row.split(',')) expect(cell).not.toMatch(/^"?[=+\-@]/);
    }
    const members = await w.asAdmin({ method: 'GET', url: `/api/events/${eventId}/members` });
    expect(
      members.json<{ members: { displayName: string }[] }>().members.map((m) => m.displayName),
    ).toContain("=cmd|' /C calc'!A0");
    const copy = await w.createEvent();
    expect((await apply(copy, exported)).statusCode).toBe(200);
    expect(await exportCsv(copy)).toBe(exported);
  });

  it('follows the role rules: dispatchers only for their own event and only teams, channels, assignments', async () => {
    const csv = `${HEADER}\n${w.users.general.email},${'x'},general,Ops,Radio 1\n`;
    // Event B is not dispatchA's: it does not exist for them.
    const foreign = await apply(w.eventB, csv, w.tokens.dispatchA);
    expect(foreign.statusCode).toBe(404);
    expect((await exportRaw(w.eventB, w.tokens.dispatchA)).statusCode).toBe(404);
    // A general member may not import into their own event.
    expect((await apply(w.eventA, csv, w.tokens.general)).statusCode).toBe(403);

    // In their own event a dispatcher may not rename people or create accounts ...
    const own = await apply(
      w.eventA,
      `${csv}new.person@test.example,New Person,general,Ops,Radio 1\n`,
      w.tokens.dispatchA,
    );
    expect(own.statusCode).toBe(400);
    expect(own.json<{ problems: Problem[] }>().problems.map((p) => [p.line, p.column])).toEqual([
      [2, 'name'],
      [3, 'email'],
    ]);
    // ... but may create teams and channels and assign existing members.
    const generalName = (await w.asAdmin({ method: 'GET', url: `/api/events/${w.eventA}/members` }))
      .json<{ members: { email: string; displayName: string }[] }>()
      .members.find((m) => m.email === w.users.general.email)?.displayName;
    const fine = await apply(
      w.eventA,
      `${HEADER}\n${w.users.general.email},${generalName ?? ''},general,Ops,Radio 1\n`,
      w.tokens.dispatchA,
    );
    expect(fine.statusCode, fine.body).toBe(200);
    expect(fine.json<{ plan: Plan }>().plan.assign).toHaveLength(1);
  });

  const exportRaw = (eventId: string, token: string) =>
    h.request({ method: 'GET', url: `/api/events/${eventId}/roster.csv`, token });
});

import { parse, CsvError } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { EventRole } from '../types';

/**
 * The roster file of an event: one row per person and team, as a spreadsheet writes CSV (RFC 4180, UTF-8,
 * comma separated, a header row naming the columns in any order).
 *
 * - `email` identifies the person; a row without one only declares `team` and its `channels`.
 * - `name` and `role` (`dispatch` or `general`) must agree on every row of the same person.
 * - `team` names a team of the event; `channels` lists channel names of that team separated by `;`.
 *   A person on channels of several teams has one row per team.
 */
export const COLUMNS = ['email', 'name', 'role', 'team', 'channels'] as const;
export type Column = (typeof COLUMNS)[number];

/** The largest file accepted, in bytes. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** The most data rows accepted in one file. */
export const MAX_ROWS = 20_000;
const MAX_NAME = 100;
const MAX_EMAIL = 320;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Characters that make a spreadsheet read a cell as a formula when they start it. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One problem of a file, where a person finds it in a spreadsheet: line 1 is the header. */
export interface RosterProblem {
  line: number;
  column: Column | null;
  reason: string;
}

/** One valid data row, its cells cleaned. */
export interface RosterRow {
  line: number;
  email: string;
  name: string;
  role: EventRole | null;
  team: string;
  channels: string[];
}

export interface ParsedRoster {
  rows: RosterRow[];
  problems: RosterProblem[];
}

/** Thrown for a file that cannot be read at all (encoding, quoting, header, size). */
export class RosterFileError extends Error {
  readonly problems: RosterProblem[];
  constructor(problems: RosterProblem[]) {
    super(problems.map((p) => `line ${p.line}: ${p.reason}`).join('; '));
    this.name = 'RosterFileError';
    this.problems = problems;
  }
}

const fileProblem = (line: number, reason: string, column: Column | null = null): RosterFileError =>
  new RosterFileError([{ line, column, reason }]);

/** Decodes UTF-8 (with or without a byte-order mark); anything else is refused with a clear reason. */
export function decodeRosterFile(bytes: Uint8Array): string {
  if (bytes.length > MAX_FILE_BYTES) {
    throw fileProblem(1, `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB.`);
  }
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    throw fileProblem(1, 'The file is UTF-16; save it as "CSV UTF-8" and try again.');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fileProblem(1, 'The file is not UTF-8 text; save it as "CSV UTF-8" and try again.');
  }
  if (text.includes('\u0000')) throw fileProblem(1, 'The file contains binary data, not CSV text.');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** A cell written by `writeRoster` with a guard quote gets it removed, so that export → import is exact. */
function unguard(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/** Parses the text of a roster file: structural failures throw, row problems are collected. */
export function parseRoster(text: string): ParsedRoster {
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      max_record_size: 64 * 1024,
      to: MAX_ROWS + 2,
    }) satisfies string[][];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? 1;
      throw fileProblem(line, `The file is not valid CSV: ${error.message.replace(/^[A-Za-z ]+: /, '')}`);
    }
    throw error;
  }
  const header = records[0];
  if (header === undefined)
    throw fileProblem(1, `The file is empty; the first line must name the columns: ${COLUMNS.join(', ')}.`);
  const index = new Map<Column, number>();
  header.forEach((cell, i) => {
    const name = cell.trim().toLowerCase();
    if ((COLUMNS as readonly string[]).includes(name)) index.set(name as Column, i);
  });
  const missing = COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) {
    throw fileProblem(
      1,
      `The header line lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; expected ${COLUMNS.join(', ')}.`,
    );
  }
  if (records.length > MAX_ROWS + 1) {
    throw fileProblem(MAX_ROWS + 2, `The file has more than ${MAX_ROWS} rows; split it.`);
  }

  const rows: RosterRow[] = [];
  const problems: RosterProblem[] = [];
  // csv-parse does not tell each record's line; count them from the raw text of each record instead.
  const lines = recordLines(text, records.length);
  for (let r = 1; r < records.length; r += 1) {
    const record = records[r] ?? [];
    const line = lines[r] ?? r + 1;
    const cell = (column: Column): string => unguard((record[index.get(column) ?? -1] ?? '').trim());
    const rowProblems: RosterProblem[] = [];
    const problem = (column: Column, reason: string) => rowProblems.push({ line, column, reason });

    if (record.length > header.length)
      problem('email', `The row has ${record.length} cells, the header ${header.length}.`);
    for (const column of COLUMNS) {
      if (CONTROL.test(cell(column)))
        problem(column, 'Contains a control character (tab, line break or similar).');
    }
    const email = cell('email');
    const name = cell('name');
    const roleText = cell('role').toLowerCase();
    const team = cell('team');
    const channels = cell('channels')
      .split(';')
      .map((c) => c.trim())
      .filter((c) => c !== '');
    if (email !== '') {
      if (email.length > MAX_EMAIL || !EMAIL.test(email))
        problem('email', `"${clip(email)}" is not an e-mail address.`);
      if (name === '') problem('name', 'A person needs a name.');
      if (roleText !== 'dispatch' && roleText !== 'general') {
        problem(
          'role',
          roleText === ''
            ? 'A person needs a role: dispatch or general.'
            : `"${clip(roleText)}" is not a role; use dispatch or general.`,
        );
      }
    } else {
      if (name !== '' || roleText !== '')
        problem('email', 'A row with a name or a role needs an e-mail address.');
      if (team === '') problem('team', 'The row is empty apart from its separators.');
    }
    if (name.length > MAX_NAME) problem('name', `Names are at most ${MAX_NAME} characters.`);
    if (team.length > MAX_NAME) problem('team', `Team names are at most ${MAX_NAME} characters.`);
    if (channels.length > 0 && team === '')
      problem('channels', 'Channels belong to a team: fill in the team column.');
    for (const channel of channels) {
      if (channel.length > MAX_NAME) problem('channels', `Channel names are at most ${MAX_NAME} characters.`);
    }
    if (rowProblems.length > 0) {
      problems.push(...rowProblems);
      continue;
    }
    rows.push({
      line,
      email,
      name,
      role: email === '' ? null : (roleText as EventRole),
      team,
      channels: [...new Set(channels)],
    });
  }
  return { rows, problems };
}

/** The 1-based line on which each record starts, counting line breaks inside quoted cells. */
function recordLines(text: string, count: number): number[] {
  const starts: number[] = [];
  let line = 1;
  let inQuotes = false;
  let atRecordStart = true;
  for (let i = 0; i < text.length && starts.length < count; i += 1) {
    const ch = text[i];
    if (atRecordStart) {
      if (ch === '\n' || ch === '\r') {
        if (ch === '\n') line += 1;
        continue; // empty lines are skipped, as the parser does
      }
      starts.push(line);
      atRecordStart = false;
    }
    if (ch === '"') inQuotes = !inQuotes;
    else if (ch === '\n') {
      line += 1;
      if (!inQuotes) atRecordStart = true;
    }
  }
  return starts;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

/** Guards a cell a spreadsheet would read as a formula with a leading apostrophe (shown as text). */
function guard(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

export interface RosterOutRow {
  email: string;
  name: string;
  role: EventRole | '';
  team: string;
  channels: string[];
}

/** Writes rows in the import format, UTF-8 with a byte-order mark so spreadsheets pick the encoding. */
export function writeRoster(rows: readonly RosterOutRow[]): string {
  const body = stringify(
    rows.map((r) => [r.email, r.name, r.role, r.team, r.channels.join('; ')].map(guard)),
    { header: true, columns: [...COLUMNS], record_delimiter: 'windows', quoted_match: /^[ ]|[ ]$/ },
  );
  return `\uFEFF${body}`;
}

/**
 * Staff files of a unit's subtree, in the reader's language: its sessions (one row each) and
 * the attendance of its people (one row per person and session). Streamed a unit at a time
 * (each read an equality on an indexed key): a province's or the country's file never sits
 * in memory, whatever its size.
 */
import type { Writable } from 'node:stream';
import type { Types } from 'mongoose';
import { activePeopleOfUnit, namesOf } from '../accounts';
import { subtreeOf, unitName, type UnitDoc } from '../org';
import { fileDate, writeXlsxSheets, type FileRow, type FileStyle } from '../reports';
import { writeCsv } from '../shared/csv';
import { translate } from '../shared/i18n';
import { SESSION_FIELDS, type SessionLike } from './figures-count';
import { RetrainingAttendance, RetrainingSession } from './session.model';

export const SESSION_COLUMNS = ['title', 'unit', 'trainer', 'startsAt', 'place', 'status', 'invited', 'attended'] as const;
export const ATTENDANCE_COLUMNS = ['session', 'fullName', 'username', 'unit', 'via', 'at'] as const;
const SESSION_WIDTHS = [36, 28, 20, 17, 30, 14, 10, 10];
const ATTENDANCE_WIDTHS = [36, 28, 22, 28, 20, 17];

export type RetrainingFile = 'sessions' | 'attendance';

function word(style: FileStyle, key: string): string {
  return translate(style.locale, `retrainingFigures.${key}`);
}

function byStart(a: { startsAt: Date }, b: { startsAt: Date }): number {
  return a.startsAt.getTime() - b.startsAt.getTime();
}

/** The sessions of the subtree, a unit at a time (by unit code), each unit's by start. */
async function* sessionRows(unit: UnitDoc, style: FileStyle): AsyncGenerator<FileRow> {
  for (const u of await subtreeOf(unit)) {
    const sessions = await RetrainingSession.find({ unit: u._id }).select(`${SESSION_FIELDS} place placeKind`).lean<(SessionLike & { place?: string; placeKind?: string })[]>();
    for (const s of sessions.sort(byStart)) {
      const place = [s.placeKind ? word(style, `placeKinds.${s.placeKind}`) : '', s.place ?? ''].filter(Boolean).join(': ');
      yield [s.title, unitName(u, style.locale), s.trainerUsername ?? '', fileDate(s.startsAt, style), place, word(style, `statuses.${s.status}`), s.invitedCount ?? 0, s.attendedCount ?? 0];
    }
  }
}

/**
 * The attendance of the subtree's people at sessions that were not cancelled (wherever the
 * session was): a unit at a time, its people's names read with them (a person who left the unit
 * since is looked up alone), each session's title read once.
 */
async function* attendanceRows(unit: UnitDoc, style: FileStyle): AsyncGenerator<FileRow> {
  const sessions = new Map<string, { title: string; status: string } | null>();
  const sessionOf = async (id: Types.ObjectId) => {
    const key = String(id);
    if (!sessions.has(key)) sessions.set(key, await RetrainingSession.findById(id).select('title status').lean<{ title: string; status: string }>());
    if (sessions.size > 5_000) sessions.clear(); // memory stays bounded
    return sessions.get(key) ?? null;
  };
  for (const u of await subtreeOf(unit)) {
    const rows = await RetrainingAttendance.find({ lineage: u._id, unit: u._id }).select('session user via at').lean();
    if (rows.length === 0) continue;
    const people = new Map((await activePeopleOfUnit(u._id)).map((p) => [String(p._id), p]));
    for (const a of rows.sort((x, y) => x.at.getTime() - y.at.getTime())) {
      const s = await sessionOf(a.session as Types.ObjectId);
      if (!s || s.status === 'cancelled') continue;
      const who = people.get(String(a.user)) ?? (await namesOf(a.user as Types.ObjectId));
      yield [s.title, who?.fullName ?? '', who?.username ?? '', unitName(u, style.locale), word(style, `via.${a.via}`), fileDate(a.at, style)];
    }
  }
}

/** The file of the subtree's sessions or attendance, as CSV or XLSX, on `out`. */
export async function writeRetrainingFile(out: Writable, unit: UnitDoc, what: RetrainingFile, style: FileStyle): Promise<void> {
  const columns = what === 'sessions' ? SESSION_COLUMNS : ATTENDANCE_COLUMNS;
  const header = columns.map((c) => word(style, `files.${what}.${c}`));
  const rows = what === 'sessions' ? sessionRows(unit, style) : attendanceRows(unit, style);
  if (style.xlsx) await writeXlsxSheets(out, [{ name: word(style, `files.${what}.sheet`), header, rows, widths: what === 'sessions' ? SESSION_WIDTHS : ATTENDANCE_WIDTHS }]);
  else await writeCsv(out, header, rows);
}

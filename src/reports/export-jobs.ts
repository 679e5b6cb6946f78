/**
 * Per-person exports too big for a request, prepared in the background. A job is asked for
 * with a form, listed on the exports page with its progress, and its file downloaded when
 * ready. Every app process runs a worker; the unique (job, attempt) claim lets exactly one
 * take each attempt. A worker refreshes the job's heartbeat while it writes; when an app
 * process dies mid-way, the heartbeat goes stale and another process (or the same one after
 * its restart) starts the next attempt from the beginning, up to MAX_ATTEMPTS, after which
 * the job says it failed. Rows stream from the store to the file: memory holds one unit's people.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { Locale } from '../config';
import { findUnitById, type UnitDoc } from '../org';
import type { Actor } from '../shared/actor';
import { NotFound } from '../shared/errors';
import { ExportClaim, ExportJob, type ExportJobDoc } from './export-job.model';
import { peopleRows, writePeopleFile } from './exports';
import type { FileForm, FileStyle } from './file-style';
import { figuresFor } from './rollup.service';
import { insertOnce } from '../db/insert-once';
import { runJob } from '../shared/metrics';

/** A subtree with more people than this is exported in the background (a province's ~7,000 stream at once). */
export const exportLimits = { inlineMaxPeople: 20_000 };
export const MAX_ATTEMPTS = 3;
const HEARTBEAT_MS = 5_000;
const STALE_MS = 60_000;
const KEEP_MS = 24 * 60 * 60 * 1000;

export async function peopleIn(unit: UnitDoc): Promise<number> {
  return (await figuresFor([`unit:${unit._id}`])).get(`unit:${unit._id}`)!.people;
}

/** Asks for a unit's per-person file in a type, a form (readable or codes) and the requester's language. */
export async function requestExport(actor: Actor, unit: UnitDoc, what: { format: 'csv' | 'xlsx'; form: FileForm; locale: Locale }, fileName: string): Promise<ExportJobDoc> {
  const job = await ExportJob.create({ owner: actor.id, unit: unit._id, unitCode: unit.code, lineage: unit.lineage, ...what, fileName, createdAt: new Date() });
  return job.toObject() as ExportJobDoc;
}

/** The person's own jobs, newest first (few: they expire after a day). */
export async function exportsOf(actor: Actor): Promise<ExportJobDoc[]> {
  const jobs = await ExportJob.find({ owner: actor.id }).lean<ExportJobDoc[]>();
  return jobs.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** A ready job of the person's, with its file; anything else is "not found". */
export async function readyExport(actor: Actor, id: string): Promise<ExportJobDoc & { file: string }> {
  const job = /^[a-f0-9]{24}$/.test(id) ? await ExportJob.findOne({ _id: id, owner: actor.id }).lean<ExportJobDoc>() : null;
  if (!job || job.state !== 'ready' || !job.file || !fs.existsSync(job.file)) throw new NotFound();
  return job as ExportJobDoc & { file: string };
}

async function claim(job: ExportJobDoc, attempt: number): Promise<boolean> {
  return insertOnce(ExportClaim, { job: job._id, attempt, at: new Date() }); // false: another process has it
}

/** Runs one attempt of a claimed job to its end: the file is written under a temporary name, then renamed. */
async function run(job: ExportJobDoc, attempt: number, dir: string, log: Logger): Promise<void> {
  const guard = { _id: job._id, attempt };
  await ExportJob.updateOne({ _id: job._id }, { $set: { state: 'running', attempt, heartbeatAt: new Date(), done: 0, rows: 0, bytes: 0, error: null } });
  const unit = await findUnitById(job.unit as Types.ObjectId);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${job._id}.${job.format}`);
  const tmp = `${file}.${process.pid}.part`;
  const progress = { done: 0, total: 0, rows: 0 };
  const beat = setInterval(() => {
    ExportJob.updateOne(guard, { $set: { heartbeatAt: new Date(), ...progress } }).catch(() => undefined);
  }, HEARTBEAT_MS);
  try {
    if (!unit) throw new Error('the unit no longer exists');
    // Jobs asked for before files had a form were in the contract's codes.
    const style: FileStyle = { form: (job.form as FileForm | null | undefined) ?? 'codes', locale: job.locale as Locale, xlsx: job.format === 'xlsx' };
    async function* counted() {
      for await (const row of peopleRows(unit!, style, { onUnit: (done, total) => Object.assign(progress, { done, total }) })) {
        progress.rows += 1;
        yield row;
      }
    }
    const out = fs.createWriteStream(tmp);
    await writePeopleFile(out, unit, style, counted());
    fs.renameSync(tmp, file);
    const bytes = fs.statSync(file).size;
    await ExportJob.updateOne(guard, { $set: { state: 'ready', file, ...progress, bytes, heartbeatAt: new Date(), finishedAt: new Date() } });
    log.info({ job: String(job._id), rows: progress.rows, bytes }, 'background export ready');
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    log.error({ err, job: String(job._id) }, 'background export failed');
    await ExportJob.updateOne(guard, { $set: { state: 'failed', error: 'failed', finishedAt: new Date() } });
  } finally {
    clearInterval(beat);
  }
}

/**
 * One pass of the worker: removes expired jobs, gives up on jobs interrupted too often,
 * and runs the next queued or interrupted job, if this process wins its claim.
 */
export async function workOnExports(dir: string, log: Logger, now = new Date()): Promise<boolean> {
  for (const job of await ExportJob.find({ state: 'ready' }).lean<ExportJobDoc[]>()) {
    if (now.getTime() - job.createdAt.getTime() < KEEP_MS) continue;
    if (job.file) fs.rmSync(job.file, { force: true });
    await ExportJob.deleteOne({ _id: job._id });
  }
  for (const job of await ExportJob.find({ state: 'failed' }).lean<ExportJobDoc[]>()) {
    if (now.getTime() - job.createdAt.getTime() >= KEEP_MS) await ExportJob.deleteOne({ _id: job._id });
  }
  const queued = await ExportJob.find({ state: 'queued' }).lean<ExportJobDoc[]>();
  const interrupted = (await ExportJob.find({ state: 'running' }).lean<ExportJobDoc[]>()).filter(
    (j) => !j.heartbeatAt || now.getTime() - j.heartbeatAt.getTime() > STALE_MS,
  );
  for (const job of [...queued, ...interrupted].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    const attempt = (job.attempt ?? 0) + 1;
    if (attempt > MAX_ATTEMPTS) {
      await ExportJob.updateOne({ _id: job._id, attempt: job.attempt }, { $set: { state: 'failed', error: 'interrupted', finishedAt: now } });
      continue;
    }
    if (!(await claim(job, attempt))) continue;
    await run(job, attempt, dir, log);
    return true;
  }
  return false;
}

/** The background exports waiting for a worker and those being written (the queue figures of /metrics). */
export async function exportQueues(): Promise<Record<string, number>> {
  const [waiting, running] = await Promise.all([ExportJob.countDocuments({ state: 'queued' }), ExportJob.countDocuments({ state: 'running' })]);
  return { exports_waiting: waiting, exports_running: running };
}

/** Each app process looks for work every few seconds, one job at a time. */
export function startExportWorker(dir: string, log: Logger, everyMs = 2_000): () => void {
  let busy = false;
  let stopped = false;
  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      await runJob('reports.exports', async () => {
        while (!stopped && (await workOnExports(dir, log))) {
          // another job may be waiting
        }
      });
    } catch (err) {
      log.warn({ err }, 'background exports: will try again');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  void tick();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

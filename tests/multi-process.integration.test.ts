// Several app processes on one PostgreSQL (REALTIME_ADAPTER=postgres): they start together on a
// fresh database, and the projector's live counts are one number whichever process it hears,
// corrected within seconds when a process dies. The embedded database serves one process only,
// so these run on PostgreSQL.
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { passwordMatches } from "@/lib/auth.server";
import { createScratchDatabase } from "@/lib/db/schema-engine.server";
import { DEMO_TUTOR } from "@/lib/demo.server";
import type { RoundProgress, SeminarView } from "@/lib/realtime/protocol";
import { client, startApp, tutorCookie, waitFor, type AppProcess } from "./helpers/app-server";
import { TestPhone } from "./helpers/phone";
import { seminarWithOpenRound } from "./helpers/seminars";

const onPostgres = inject("databaseKind") === "postgresql";

describe.runIf(onPostgres)("several app processes on one PostgreSQL", () => {
  const apps: AppProcess[] = [];
  afterAll(async () => {
    for (const app of apps) await app.kill();
  });

  it("three processes started at once on a fresh database all come up, with one demo tutor", async () => {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, "weighin_fresh_");
    const db = new pg.Client({ connectionString: scratch.url });
    try {
      const env = { DATABASE_URL: scratch.url, DEMO: "true", REALTIME_ADAPTER: "postgres" };
      const started = await Promise.allSettled([startApp({ env }), startApp({ env }), startApp({ env })]);
      for (const s of started) if (s.status === "fulfilled") apps.push(s.value);
      expect(started.map((s) => (s.status === "fulfilled" ? "ready" : String(s.reason).slice(0, 1500)))).toEqual(["ready", "ready", "ready"]);
      const three = started.map((s) => (s as PromiseFulfilledResult<AppProcess>).value);

      for (const app of three) expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
      // One demo tutor, its password printed by exactly one process, and that password is the one stored.
      const printed = three.flatMap((app) => /password (\S+) \(shown this once/.exec(app.output())?.[1] ?? []);
      expect(printed).toHaveLength(1);
      await db.connect();
      const tutors = await db.query<{ passwordHash: string }>(`SELECT "passwordHash" FROM "Tutor" WHERE email = $1`, [DEMO_TUTOR.email]);
      expect(tutors.rows).toHaveLength(1);
      expect(await passwordMatches(printed[0]!, tutors.rows[0]!.passwordHash)).toBe(true);
      // Every migration applied once, and none left failed.
      const migrations = await db.query<{ migration_name: string; finished_at: Date | null }>(
        "SELECT migration_name, finished_at FROM _prisma_migrations",
      );
      const names = migrations.rows.map((m) => m.migration_name);
      expect(new Set(names).size).toBe(names.length);
      expect(migrations.rows.filter((m) => !m.finished_at)).toEqual([]);
    } finally {
      await db.end().catch(() => {});
      for (const app of apps.splice(0)) await app.kill();
      await scratch.drop();
    }
  }, 180_000);

  it("phones split between two processes: one count on the projector, corrected within seconds of a process dying, never backwards", async () => {
    const { tutor, seminar, round } = await seminarWithOpenRound("one-count");
    const env = { REALTIME_ADAPTER: "postgres" };
    const a = await startApp({ env });
    const b = await startApp({ env });
    apps.push(a, b);

    const projector = client(b.url, await tutorCookie(tutor.id));
    const progress: (RoundProgress & { at: number })[] = [];
    projector.on("round:progress", (p) => progress.push({ ...p, at: Date.now() }));
    await new Promise<void>((resolve, reject) =>
      projector.emit("presenter:join", { seminarId: seminar.id, view: "projector" }, (reply) =>
        reply.ok ? resolve() : reject(new Error(reply.error)),
      ),
    );

    const PER_SERVER = 15;
    let aAlive = true;
    const onA = Array.from({ length: PER_SERVER }, () => new TestPhone(() => (aAlive ? a.url : b.url), seminar.code));
    const onB = Array.from({ length: PER_SERVER }, () => new TestPhone(() => b.url, seminar.code));
    const phones = [...onA, ...onB];
    await waitFor(() => phones.every((p) => p.joined && p.roundId), 20_000, "phones joined on both processes");
    await waitFor(() => progress.at(-1)?.connected === 2 * PER_SERVER, 10_000, "projector counts the phones of both processes");

    // Votes land on both processes; the projector (on B) counts them all, and the count only grows.
    for (const phone of phones) phone.vote("YES");
    await waitFor(() => phones.every((p) => !p.pending && p.acked), 20_000, "every vote acknowledged");
    await waitFor(() => progress.at(-1)?.answered === phones.length, 10_000, "projector shows every vote");
    const answered = progress.filter((p) => p.roundId === round.id).map((p) => p.answered);
    expect(answered).toEqual([...answered].sort((x, y) => x - y));
    // Phones only came in so far: the room never looked emptier than it had.
    const connected = progress.map((p) => p.connected);
    expect(connected).toEqual([...connected].sort((x, y) => x - y));

    // A dies: its phones move to B, and the projector shows the phones in the room, not those plus A's last count.
    aAlive = false;
    const killedAt = Date.now();
    await a.kill("SIGKILL");
    await waitFor(() => onA.every((p) => p.rejoins >= 1 && p.joined), 20_000, "A's phones back on B");
    await waitFor(() => progress.at(-1)?.connected === 2 * PER_SERVER && progress.at(-1)!.at > killedAt, 10_000, "projector corrected after A died");

    // Settled: more votes (answers changed) bring counts that stay put, not a number that comes and goes.
    const settled = progress.length;
    for (const phone of phones) phone.vote("NO");
    await waitFor(() => phones.every((p) => !p.pending && p.acked === "NO"), 20_000, "changed answers acknowledged");
    await waitFor(() => progress.length > settled, 10_000, "a count after the changed answers");
    expect(progress.slice(settled).map((p) => [p.answered, p.connected])).toEqual(progress.slice(settled).map(() => [phones.length, 2 * PER_SERVER]));

    // A process started just now runs the tutor's command: the projector's new view comes from
    // its own process, with the room as that process counts it.
    const c = await startApp({ env });
    apps.push(c);
    const views: SeminarView[] = [];
    projector.on("seminar:view", (view) => views.push(view));
    const controls = client(c.url, await tutorCookie(tutor.id));
    expect(await controls.timeout(10_000).emitWithAck("presenter:join", { seminarId: seminar.id, view: "controls" })).toMatchObject({ ok: true });
    expect(await controls.timeout(10_000).emitWithAck("presenter:command", { seminarId: seminar.id, command: "close" })).toMatchObject({ ok: true });
    await waitFor(() => views.some((v) => v.phase !== "VOTING"), 10_000, "projector shows voting closed");
    expect(views.map((v) => v.connected)).toEqual(views.map(() => 2 * PER_SERVER));

    controls.disconnect();
    projector.disconnect();
    for (const phone of phones) phone.close();
  }, 180_000);
});

// "Approve all" with two app processes on one PostgreSQL (REALTIME_ADAPTER=postgres): revisions
// come from one sequence, but two processes commit them in any order, so a reason written by
// one process can carry a revision below one the tutor's screen already shows. The approval names
// the reasons and revisions the screen showed, and approves exactly those. To make the two
// processes interleave every time, the test holds a row lock on the edited reason (a second
// connection, as a slow commit would) while the other process stores and shows its reason.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import type { ReasonView, SeminarView } from "@/lib/realtime/protocol";
import { runCommand, startSeminar } from "@/lib/seminars.server";
import { client, startApp, tutorCookie, waitFor, type AppProcess, type Client } from "./helpers/app-server";
import { TestPhone } from "./helpers/phone";
import { FIRST_PACK } from "./helpers/seminars";

const onPostgres = inject("databaseKind") === "postgresql";

async function controlsOn(url: string, tutorId: string, seminarId: string) {
  const socket = client(url, await tutorCookie(tutorId));
  let latest: SeminarView | undefined;
  socket.on("seminar:view", (v) => (latest = v));
  const reply = await socket.timeout(10_000).emitWithAck("presenter:join", { seminarId, view: "controls" });
  if (!reply.ok) throw new Error(reply.error);
  latest ??= reply.view;
  return { socket, reasons: (): ReasonView[] => latest?.controls?.reasons ?? [] };
}

function moderate(socket: Client, payload: Record<string, unknown>): Promise<{ ok: boolean; changed?: number; error?: string }> {
  return (socket.timeout(10_000).emitWithAck as (e: string, p: unknown) => Promise<{ ok: boolean; changed?: number; error?: string }>)("presenter:reasons", payload);
}

describe.runIf(onPostgres)("approve all with two app processes", () => {
  const apps: AppProcess[] = [];
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  afterAll(async () => {
    await db.end().catch(() => {});
    for (const app of apps) await app.kill();
  });

  it("approves exactly what the tutor's screen showed: not an edit the other process committed late, not a hidden reason edited since", async () => {
    const prisma = getPrisma();
    const tutor = await prisma.tutor.create({ data: { email: `approve-all-${randomUUID()}@example.org`, name: "Approver" } });
    const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: "Approve all cohort" } });
    const seminar = await startSeminar({ tutorId: tutor.id, cohortId: cohort.id, packSlug: FIRST_PACK, minResponses: 1 });
    await runCommand(seminar.id, tutor.id, "open");
    // Statements wait for the test's lock longer than the default 5 s would allow on a busy machine.
    const env = { REALTIME_ADAPTER: "postgres", DATABASE_STATEMENT_TIMEOUT_MS: "60000" };
    const [a, b] = await Promise.all([startApp({ env }), startApp({ env })]);
    apps.push(a, b);
    await db.connect();

    // The tutor's controls on A, their phone as a remote on B; two phones on each process.
    const controls = await controlsOn(a.url, tutor.id, seminar.id);
    const remote = await controlsOn(b.url, tutor.id, seminar.id);
    const [editor, hider] = [new TestPhone(() => b.url, seminar.code), new TestPhone(() => b.url, seminar.code)];
    const [first, second] = [new TestPhone(() => a.url, seminar.code), new TestPhone(() => a.url, seminar.code)];
    const phones = [editor, hider, first, second];
    await waitFor(() => phones.every((p) => p.joined && p.roundId), 20_000, "phones joined on both processes");
    for (const p of phones) p.vote("YES");
    await waitFor(() => phones.every((p) => p.acked), 10_000, "votes stored");
    const roundId = editor.roundId!;
    editor.phone.setExtras({ reason: "Keep a professional distance" });
    hider.phone.setExtras({ reason: "Only after the placement ends" });
    await waitFor(() => editor.ackedCount === 2 && hider.ackedCount === 2, 10_000, "reasons stored");
    await waitFor(() => controls.reasons().length === 2 && remote.reasons().length === 2, 10_000, "both screens list the reasons");
    const idOf = (text: string) => controls.reasons().find((r) => r.text === text)!.id;
    const editorId = idOf("Keep a professional distance");
    const hiderId = idOf("Only after the placement ends");
    const statusOf = async (id: string) => (await prisma.response.findUniqueOrThrow({ where: { id } })).reasonStatus;

    /**
     * `late` (a phone on B) sends `text` while its row is locked: B's statement has its revision
     * and waits. Meanwhile `quick` (a phone on A) stores `quickText`, which the controls on A show.
     * Then the lock goes, B commits the edit with a revision below the one on the screen, and the
     * tutor presses "Approve all" on what the screen showed before B's edit arrived.
     */
    async function lateEditThenApproveAll(late: TestPhone, lateId: string, text: string, quick: TestPhone, quickText: string) {
      const acked = late.ackedCount;
      await db.query("BEGIN");
      await db.query(`SELECT 1 FROM "Response" WHERE id = $1 FOR UPDATE`, [lateId]);
      late.phone.setExtras({ reason: text });
      for (let waited = 0; ; waited += 50) {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid))`,
        );
        if (rows[0]!.n > 0) break;
        if (waited > 20_000) {
          const activity = await db.query(`SELECT state, wait_event_type, wait_event, left(query, 300) AS query FROM pg_stat_activity WHERE datname = current_database()`);
          throw new Error(`B's write never waited for the lock: ${JSON.stringify(activity.rows)} ${JSON.stringify(late.phone.state.pending)} ${b.output().slice(-2000)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      const quickAcked = quick.ackedCount;
      quick.phone.setExtras({ reason: quickText });
      await waitFor(() => quick.ackedCount === quickAcked + 1, 10_000, "A's reason stored");
      const shown = await waitFor(() => controls.reasons().some((r) => r.text === quickText) && controls.reasons(), 10_000, "A's reason on the screen");
      expect(shown.find((r) => r.text === text)).toBeUndefined();
      await db.query("COMMIT");
      await waitFor(() => late.ackedCount === acked + 1, 10_000, "B's edit stored");
      const waiting = shown.filter((r) => r.status === "PENDING" && !r.flagged);
      return moderate(controls.socket, { seminarId: seminar.id, action: "approve-all", roundId, reasons: waiting.map((r) => ({ id: r.id, revision: r.revision })) });
    }

    // An edit stored by B after the screen showed the reasons: its old text was on the screen, its new one is not approved.
    const one = await lateEditThenApproveAll(editor, editorId, "Add them, it is only social media", first, "It depends on the agency's policy");
    expect(one).toEqual({ ok: true, changed: 2 });
    expect(await statusOf(editorId)).toBe("PENDING");
    expect(await statusOf(idOf("It depends on the agency's policy"))).toBe("APPROVED");
    expect(await statusOf(hiderId)).toBe("APPROVED");

    // The tutor hides a reason from the remote on B; the student then edits it (B, late): the new
    // text waits, and "approve all" from the controls does not show it. The edit of the first
    // part is on the screen by now: that one is approved.
    await waitFor(() => controls.reasons().some((r) => r.text === "Add them, it is only social media"), 10_000, "the edit on the screen");
    expect(await moderate(remote.socket, { seminarId: seminar.id, action: "hide", ids: [hiderId] })).toEqual({ ok: true, changed: 1 });
    await waitFor(() => controls.reasons().find((r) => r.id === hiderId)?.status === "HIDDEN", 10_000, "hidden on the controls");
    const two = await lateEditThenApproveAll(hider, hiderId, "Whenever they ask nicely", second, "Never while they are a service user");
    expect(two).toEqual({ ok: true, changed: 2 });
    expect(await statusOf(hiderId)).toBe("PENDING");
    expect(await statusOf(editorId)).toBe("APPROVED");

    // What reaches the projector: only what the tutor approved having read it.
    const projector = client(a.url, await tutorCookie(tutor.id));
    let shownToClass: SeminarView | undefined;
    projector.on("seminar:view", (v) => (shownToClass = v));
    await projector.timeout(10_000).emitWithAck("presenter:join", { seminarId: seminar.id, view: "projector" });
    for (const command of ["close", "reveal"] as const) {
      expect(await controls.socket.timeout(10_000).emitWithAck("presenter:command", { seminarId: seminar.id, command })).toMatchObject({ ok: true });
    }
    const onProjector = await waitFor(() => shownToClass?.reasons ?? undefined, 10_000, "reasons on the projector");
    expect(onProjector.map((r) => r.text).sort()).toEqual(["Add them, it is only social media", "It depends on the agency's policy", "Never while they are a service user"]);

    for (const p of phones) p.close();
    for (const s of [controls.socket, remote.socket, projector]) s.disconnect();
  }, 120_000);
});

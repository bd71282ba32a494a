// Reasons, ticked factors and segments over the real socket server: a reason reaches nobody but
// the tutor's controls until the tutor approves it, a hidden one never reaches the projector or a
// phone, a resent answer is applied once, and small segments are merged away.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import type { Client } from "./helpers/app-server";
import { appForTests, client, tutorCookie, waitFor } from "./helpers/app-server";
import { TestPhone } from "./helpers/phone";
import { FIRST_PACK } from "./helpers/seminars";
import { loadSnapshot, runCommand, startSeminar } from "@/lib/seminars.server";
import type { SeminarView } from "@/lib/realtime/protocol";

const app = appForTests();

const SEGMENTS = { question: "Where is your placement?", options: ["Children", "Adults", "Community"] };

async function seminar(label: string, scenarioIndex = 0) {
  const prisma = getPrisma();
  const tutor = await prisma.tutor.create({ data: { email: `${label}-${randomUUID()}@example.org`, name: label } });
  const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: `${label} cohort` } });
  const seminar = await startSeminar({ tutorId: tutor.id, cohortId: cohort.id, packSlug: FIRST_PACK, minResponses: 3, segmentQuestion: SEGMENTS });
  for (let i = 0; i < scenarioIndex; i++) await runCommand(seminar.id, tutor.id, "next");
  await runCommand(seminar.id, tutor.id, "open");
  return { tutor, seminar };
}

/** A tutor screen on its own socket, recording every frame it receives. */
async function screen(tutorId: string, seminarId: string, view: "projector" | "controls") {
  const socket = client(app().url, await tutorCookie(tutorId));
  const frames: string[] = [];
  let latest: SeminarView | undefined;
  socket.onAny((event, ...args) => frames.push(`${event} ${JSON.stringify(args)}`));
  socket.on("seminar:view", (v) => (latest = v));
  await new Promise<void>((resolve, reject) =>
    socket.emit("presenter:join", { seminarId, view }, (r) => {
      if (!r.ok) return reject(new Error(r.error));
      latest = r.view;
      resolve();
    }),
  );
  return { socket, frames, view: () => latest! };
}

function ask<T>(socket: Client, event: string, payload: unknown): Promise<T> {
  return new Promise((resolve) => (socket.emit as (e: string, p: unknown, ack: (r: T) => void) => void)(event, payload, resolve));
}

async function joined(code: string, n: number) {
  const phones = Array.from({ length: n }, () => new TestPhone(() => app().url, code));
  await waitFor(() => phones.every((p) => p.joined && p.roundId), 20_000, "phones joined");
  const frames = phones.map((p) => {
    const list: string[] = [];
    p.socket.onAny((event, ...args) => list.push(`${event} ${JSON.stringify(args)}`));
    return list;
  });
  return { phones, frames };
}

describe("reasons", () => {
  it("reach the projector only when approved; hidden and waiting ones reach no phone or projector", async () => {
    const { tutor, seminar: s } = await seminar("reasons");
    const controls = await screen(tutor.id, s.id, "controls");
    const projector = await screen(tutor.id, s.id, "projector");
    const { phones, frames } = await joined(s.code, 4);
    const texts = ["Boundaries matter more than being liked", "<script>alert(1)</script>", "Only once they leave the service", "Depends entirely on the agency"];
    phones.forEach((p, i) => p.vote(i % 2 ? "NO" : "YES"));
    await waitFor(() => phones.every((p) => p.acked), 10_000, "votes stored");
    phones.forEach((p, i) => p.phone.setExtras({ reason: texts[i] }));
    await waitFor(() => phones.every((p) => p.ackedCount === 2), 10_000, "reasons stored");
    // The controls list every reason, grouped by answer, waiting for the tutor.
    const listed = await waitFor(() => controls.view().controls!.reasons.length === 4 && controls.view().controls!.reasons, 5000, "controls list reasons");
    expect(listed.map((r) => [r.answer, r.text, r.status])).toEqual(
      expect.arrayContaining(texts.map((t, i) => [i % 2 ? "NO" : "YES", t, "PENDING"])),
    );
    const id = (text: string) => listed.find((r) => r.text === text)!.id;
    const seen = Math.max(...listed.map((r) => r.revision!));

    // Another tutor cannot moderate, nor can a phone.
    const stranger = await getPrisma().tutor.create({ data: { email: `x-${randomUUID()}@example.org`, name: "x" } });
    const other = client(app().url, await tutorCookie(stranger.id));
    const refused = await ask<{ ok: boolean }>(other, "presenter:reasons", { seminarId: s.id, action: "approve", ids: [id(texts[2]!)], seen });
    expect(refused.ok).toBe(false);
    const byPhone = await ask<{ ok: boolean }>(phones[0]!.socket, "presenter:reasons", {
      seminarId: s.id,
      action: "approve-all",
      roundId: phones[0]!.roundId,
      reasons: listed.map((r) => ({ id: r.id, revision: r.revision })),
    });
    expect(byPhone.ok).toBe(false);

    const approve = await ask<{ ok: boolean }>(controls.socket, "presenter:reasons", { seminarId: s.id, action: "approve", ids: [id(texts[0]!), id(texts[1]!)], seen });
    expect(approve.ok).toBe(true);
    await ask(controls.socket, "presenter:reasons", { seminarId: s.id, action: "hide", ids: [id(texts[2]!)] });
    for (const command of ["close", "reveal"] as const) await ask(controls.socket, "presenter:command", { seminarId: s.id, command });
    await waitFor(() => projector.view().reasons !== null && projector.view().reasons, 5000, "projector shows reasons");
    expect(projector.view().reasons!.map((r) => r.text).sort()).toEqual([texts[0], texts[1]].sort());
    // The projector never learns a reason's status or flag, and never got the others.
    expect(JSON.stringify(projector.view().reasons)).not.toMatch(/status|flagged/);
    const projectorSaw = projector.frames.join("\n");
    expect(projectorSaw).not.toContain(texts[2]);
    expect(projectorSaw).not.toContain(texts[3]);
    // Phones got no reason at all, not even the approved ones (the tutor did not turn that on).
    for (const list of frames) for (const text of texts) expect(list.join("\n")).not.toContain(text.replace(/"/g, '\\"'));

    // Turned on: phones get the approved ones only.
    await ask(controls.socket, "presenter:reasons", { seminarId: s.id, action: "phones", on: true });
    await waitFor(() => phones[0]!.phone.state.view?.reasons?.length === 2, 5000, "phones get approved reasons");
    const phoneSaw = frames.map((l) => l.join("\n")).join("\n");
    expect(phoneSaw).not.toContain(texts[2]);
    expect(phoneSaw).not.toContain(texts[3]);
    for (const p of phones) p.close();
    for (const c of [controls, projector]) c.socket.disconnect();
    other.disconnect();
  }, 90_000);

  it("applies a resent answer once and keeps its approval; a changed reason waits again; profanity is flagged, not dropped", async () => {
    const { tutor, seminar: s } = await seminar("resend");
    const controls = await screen(tutor.id, s.id, "controls");
    const { phones } = await joined(s.code, 1);
    const socket = phones[0]!.socket;
    const roundId = phones[0]!.roundId!;
    const vote = { roundId, answer: "YES", voteId: "resend-vote-0001", reason: "Trust is earned" };
    expect(await ask<{ ok: boolean }>(socket, "response:submit", vote)).toMatchObject({ ok: true });
    const [stored] = await getPrisma().response.findMany({ where: { roundId } });
    await ask(controls.socket, "presenter:reasons", { seminarId: s.id, action: "approve", ids: [stored!.id], seen: stored!.reasonRevision });
    const approved = await getPrisma().response.findUniqueOrThrow({ where: { id: stored!.id } });
    // The same vote again (a lost acknowledgement): acknowledged, applied once, approval kept.
    expect(await ask<{ ok: boolean }>(socket, "response:submit", vote)).toMatchObject({ ok: true });
    const after = await getPrisma().response.findMany({ where: { roundId } });
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ reason: "Trust is earned", reasonStatus: "APPROVED", updatedAt: approved.updatedAt });
    // A new answer with the same reason keeps the approval; a changed reason waits again.
    await ask(socket, "response:submit", { ...vote, answer: "NO", voteId: "resend-vote-0002" });
    expect(await getPrisma().response.findFirst({ where: { roundId } })).toMatchObject({ answer: "NO", reasonStatus: "APPROVED" });
    await ask(socket, "response:submit", { ...vote, answer: "NO", voteId: "resend-vote-0003", reason: "What the   shit\n is this" });
    const flagged = await getPrisma().response.findFirst({ where: { roundId } });
    expect(flagged).toMatchObject({ reason: "What the shit is this", reasonStatus: "PENDING", reasonFlagged: true });
    const listed = await waitFor(() => controls.view().controls!.reasons[0]?.flagged && controls.view().controls!.reasons, 5000, "flag on controls");
    expect(listed[0]).toMatchObject({ text: "What the shit is this", flagged: true });
    // "Approve all" leaves a flagged reason for the tutor to approve on its own.
    await ask(controls.socket, "presenter:reasons", { seminarId: s.id, action: "approve-all", roundId, reasons: [{ id: listed[0]!.id, revision: listed[0]!.revision }] });
    expect(await getPrisma().response.findFirst({ where: { roundId } })).toMatchObject({ reasonStatus: "PENDING" });
    // Limits: too long, and a reason where none is asked for (factors on a scenario without ticks).
    const long = await ask<{ ok: boolean; error?: string }>(socket, "response:submit", { ...vote, voteId: "resend-vote-0004", reason: "x".repeat(281) });
    expect(long).toMatchObject({ ok: false, error: expect.stringMatching(/280 characters/) });
    const ticks = await ask<{ ok: boolean }>(socket, "response:submit", { ...vote, voteId: "resend-vote-0005", factors: [0] });
    expect(ticks.ok).toBe(false);
    phones[0]!.close();
    controls.socket.disconnect();
  }, 60_000);
});

describe("an edit while the tutor approves", () => {
  it("is not approved: the approval applies only to the text the tutor's screen showed", async () => {
    const { tutor, seminar: s } = await seminar("race");
    const controls = await screen(tutor.id, s.id, "controls");
    const projector = await screen(tutor.id, s.id, "projector");
    const { phones } = await joined(s.code, 4);
    phones.forEach((p) => p.vote("YES"));
    await waitFor(() => phones.every((p) => p.acked), 10_000, "votes stored");
    const [editor, other, late] = phones;
    editor!.phone.setExtras({ reason: "Keep a professional distance" });
    other!.phone.setExtras({ reason: "It depends on the team" });
    await waitFor(() => editor!.ackedCount === 2 && other!.ackedCount === 2, 10_000, "reasons stored");
    // What the tutor's screen shows when they press Approve.
    const shown = await waitFor(() => controls.view().controls!.reasons.length === 2 && controls.view().controls!.reasons, 5000, "listed");
    const original = shown.find((r) => r.text === "Keep a professional distance")!;

    // The student edits the reason (stored) before the tutor's approval of the old text arrives;
    // another student's first reason arrives too.
    editor!.phone.setExtras({ reason: "Add them on social media, why not" });
    late!.phone.setExtras({ reason: "Never seen by the tutor" });
    await waitFor(() => editor!.ackedCount === 3 && late!.ackedCount === 2, 10_000, "edit stored");

    const approved = await ask<{ ok: boolean; changed: number }>(controls.socket, "presenter:reasons", {
      seminarId: s.id,
      action: "approve",
      ids: [original.id],
      seen: original.revision,
    });
    expect(approved).toEqual({ ok: true, changed: 0 });
    // "Approve all" of the list shown approves the reason the tutor read, not the edit or the newcomer.
    const all = await ask<{ ok: boolean; changed: number }>(controls.socket, "presenter:reasons", {
      seminarId: s.id,
      action: "approve-all",
      roundId: editor!.roundId,
      reasons: shown.map((r) => ({ id: r.id, revision: r.revision })),
    });
    expect(all).toEqual({ ok: true, changed: 1 });
    const status = async (text: string) => (await getPrisma().response.findFirstOrThrow({ where: { roundId: editor!.roundId!, reason: text } })).reasonStatus;
    expect(await status("Add them on social media, why not")).toBe("PENDING");
    expect(await status("Never seen by the tutor")).toBe("PENDING");
    expect(await status("It depends on the team")).toBe("APPROVED");

    // The projector shows only what the tutor approved having read it.
    for (const command of ["close", "reveal"] as const) await ask(controls.socket, "presenter:command", { seminarId: s.id, command });
    await waitFor(() => projector.view().reasons !== null, 5000, "revealed");
    expect(projector.view().reasons!.map((r) => r.text)).toEqual(["It depends on the team"]);
    expect(projector.frames.join("\n")).not.toMatch(/social media|Never seen/);

    // Once the screen shows the edited text, approving it works.
    const edited = await waitFor(
      () => controls.view().controls!.reasons.find((r) => r.text === "Add them on social media, why not"),
      5000,
      "edit listed",
    );
    expect(edited.id).toBe(original.id);
    const again = await ask<{ ok: boolean; changed: number }>(controls.socket, "presenter:reasons", { seminarId: s.id, action: "approve", ids: [edited.id], seen: edited.revision });
    expect(again).toEqual({ ok: true, changed: 1 });
    // An approval without the revision seen is refused and changes nothing.
    const unseen = await ask<{ ok: boolean }>(controls.socket, "presenter:reasons", { seminarId: s.id, action: "approve", ids: [original.id] });
    expect(unseen.ok).toBe(false);
    for (const p of phones) p.close();
    for (const c of [controls, projector]) c.socket.disconnect();
  }, 90_000);
});

describe("factors and segments", () => {
  it("ranks the factors ticked, split by answer, and merges segments below the minimum", async () => {
    const { tutor, seminar: s } = await seminar("factors", 1); // the colleague scenario: eight factors
    const projector = await screen(tutor.id, s.id, "projector");
    const { phones } = await joined(s.code, 8);
    // Segments: three in Children, three in Adults, one in Community, one gives none.
    const segments = [0, 0, 0, 1, 1, 1, 2, null];
    await Promise.all(
      phones.map((p, i) => (segments[i] === null ? undefined : ask(p.socket, "participant:segment", { segment: segments[i] }))),
    );
    const bad = await ask<{ ok: boolean }>(phones[0]!.socket, "participant:segment", { segment: 5 });
    expect(bad.ok).toBe(false);
    // Power and seniority (index 1) pushes to No; Trust (index 7) to Yes.
    phones.forEach((p, i) => p.vote(i < 3 ? "YES" : "NO"));
    await waitFor(() => phones.every((p) => p.acked), 10_000, "votes stored");
    phones.forEach((p, i) => p.phone.setExtras({ factors: i < 3 ? [7] : i < 7 ? [1, 7] : [1] }));
    await waitFor(() => phones.every((p) => p.ackedCount === 2), 10_000, "ticks stored");
    const outOfRange = await ask<{ ok: boolean }>(phones[0]!.socket, "response:submit", {
      roundId: phones[0]!.roundId,
      answer: "YES",
      voteId: "factor-out-of-range",
      factors: [8],
    });
    expect(outOfRange.ok).toBe(false);
    // Nothing of it before the reveal.
    expect(projector.frames.join("\n")).not.toMatch(/Power and seniority","yes"|"segments"/);
    for (const command of ["close", "reveal"] as const) await ask(projector.socket, "presenter:command", { seminarId: s.id, command });
    const round = await waitFor(() => projector.view().results?.rounds[0], 5000, "revealed");
    expect(round.factors!.slice(0, 3)).toEqual([
      { label: "Trust", yes: 3, no: 4 },
      { label: "Power and seniority", yes: 0, no: 5 },
      { label: "Differences and similarities", yes: 0, no: 0 },
    ]);
    // Community (1 answer) and the one without a segment are merged: "other" has 2 < 3, so the
    // smallest shown segment joins it too; only one group is left on its own.
    expect(round.segments).toMatchObject({ merged: 2, other: { total: 5 } });
    expect(round.segments!.groups).toHaveLength(1);
    for (const p of phones) p.close();
    projector.socket.disconnect();
  }, 90_000);
});

describe("reasons after the seminar", () => {
  it("reach no student through a page or a download; a tutor the cohort is shared with reads only approved ones", async () => {
    const { tutor, seminar: s } = await seminar("after");
    const controls = await screen(tutor.id, s.id, "controls");
    const { phones } = await joined(s.code, 3);
    phones.forEach((p) => p.vote("YES"));
    await waitFor(() => phones.every((p) => p.acked), 10_000, "votes stored");
    const texts = ["Approved and shown", "Hidden by the tutor", "Never moderated"];
    phones.forEach((p, i) => p.phone.setExtras({ reason: texts[i] }));
    await waitFor(() => phones.every((p) => p.ackedCount === 2), 10_000, "reasons stored");
    const listed = await waitFor(() => controls.view().controls!.reasons.length === 3 && controls.view().controls!.reasons, 5000, "listed");
    await ask(controls.socket, "presenter:reasons", { seminarId: s.id, action: "approve", ids: [listed.find((r) => r.text === texts[0])!.id], seen: listed.find((r) => r.text === texts[0])!.revision });
    await ask(controls.socket, "presenter:reasons", { seminarId: s.id, action: "hide", ids: [listed.find((r) => r.text === texts[1])!.id] });
    for (const command of ["close", "reveal", "end"] as const) await ask(controls.socket, "presenter:command", { seminarId: s.id, command });

    // Without a tutor's session: no results page, no download.
    for (const path of [`/seminars/${s.id}/results`, `/exports?scope=seminar&id=${s.id}&format=csv&rows=reasons`, `/exports?scope=seminar&id=${s.id}&format=xlsx`]) {
      const response = await fetch(`${app().url}${path}`, { redirect: "manual" });
      expect(response.status, path).not.toBe(200);
      const body = await response.text();
      for (const text of texts) expect(body).not.toContain(text);
    }

    // The owner reads every reason with its status; a tutor the cohort is shared with, the approved one.
    const { exportSheets } = await import("@/lib/exports.server");
    const rowsOf = async (tutorId: string) => {
      const [sheet] = await exportSheets(tutorId, { scope: "seminar", id: s.id }, "reasons");
      const rows = [];
      for await (const row of sheet!.rows()) rows.push(row);
      return rows;
    };
    const ownerRows = await rowsOf(tutor.id);
    expect(ownerRows.map((r) => [r[6], r[7]])).toEqual(
      expect.arrayContaining([
        [texts[0], "approved"],
        [texts[1], "hidden"],
        [texts[2], "pending"],
      ]),
    );
    const reader = await getPrisma().tutor.create({ data: { email: `reader-${randomUUID()}@example.org`, name: "reader" } });
    await getPrisma().cohortShare.create({ data: { cohortId: s.cohortId, tutorId: reader.id } });
    expect((await rowsOf(reader.id)).map((r) => r[6])).toEqual([texts[0]]);
    // A tutor it is not shared with gets nothing.
    const stranger = await getPrisma().tutor.create({ data: { email: `stranger-${randomUUID()}@example.org`, name: "stranger" } });
    await expect(rowsOf(stranger.id)).rejects.toThrow();
    for (const p of phones) p.close();
    controls.socket.disconnect();
  }, 60_000);

  it("are accepted as the round's own scenario asks when the round was opened from the controls (the rules the live channel keeps from the command)", async () => {
    const prisma = getPrisma();
    const tutor = await prisma.tutor.create({ data: { email: `rules-${randomUUID()}@example.org`, name: "rules" } });
    const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: "rules cohort" } });
    const started = await startSeminar({ tutorId: tutor.id, cohortId: cohort.id, packSlug: FIRST_PACK, minResponses: 1 });
    const controls = await screen(tutor.id, started.id, "controls");
    const command = async (name: string) => {
      const reply = await ask<{ ok: boolean; error?: string }>(controls.socket, "presenter:command", { seminarId: started.id, command: name });
      expect(reply.error).toBeUndefined();
    };
    const phone = client(app().url);
    const join = await ask<{ ok: boolean; token: string }>(phone, "participant:join", { code: started.code });
    expect(join.ok).toBe(true);
    const submit = (roundId: string, extras: { factors?: number[]; reason?: string }) =>
      ask<{ ok: boolean; error?: string }>(phone, "response:submit", { roundId, answer: "YES", voteId: `v${randomUUID().slice(0, 12)}`, ...extras });
    const roundNow = async () => (await loadSnapshot(started.id))!.currentRoundId!;

    // The first scenario asks for a reason and has no factors to tick.
    await command("open");
    const plain = await roundNow();
    // Opening readies the database with one phone's vote, rolled back: nothing is stored.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await prisma.response.count({ where: { roundId: plain } })).toBe(0);
    expect((await submit(plain, { factors: [0] })).error).toMatch(/no factors/);
    expect((await submit(plain, { reason: "Because" })).ok).toBe(true);

    // The second asks for both: they are stored; a factor it does not list is refused.
    await command("reveal");
    await command("next");
    await command("open");
    const rich = await roundNow();
    expect(rich).not.toBe(plain);
    expect((await submit(rich, { factors: [0, 2], reason: "It depends on consent" })).ok).toBe(true);
    expect((await submit(rich, { factors: [31] })).error).toMatch(/not one of this scenario's/);
    const stored = await prisma.response.findFirstOrThrow({ where: { roundId: rich } });
    expect({ factors: stored.factors, reason: stored.reason }).toEqual({ factors: [0, 2], reason: "It depends on consent" });
    phone.disconnect();
    controls.socket.disconnect();
  });
});

// Another tutor's cohort through the running app: pages, history, comparison and exports by URL,
// and the cohort page's server actions replayed with the other tutor's own session cookie.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import { appForTests, client, tutorCookie, waitFor } from "./helpers/app-server";
import { FIRST_PACK, seminarWithAnswers } from "./helpers/seminars";
import { runCommand, startSeminar } from "@/lib/seminars.server";

const app = appForTests({ pages: true });

async function tutorWithCohort(label: string) {
  const prisma = getPrisma();
  const tutor = await prisma.tutor.create({ data: { email: `${label}-${randomUUID()}@example.org`, name: label } });
  const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: `${label} 2025 intake` } });
  return { tutor, cohort, cookie: await tutorCookie(tutor.id) };
}

const get = (path: string, cookie: string) => fetch(`${app().url}${path}`, { headers: { cookie }, redirect: "manual" });

/** The action id of the form on a page that posts `field=value`, as Next renders it for forms without JavaScript. */
async function actionIdOn(path: string, cookie: string, field: string): Promise<string> {
  const html = await (await get(path, cookie)).text();
  const forms = html.split("<form").slice(1);
  const form = forms.find((f) => f.includes(`name="${field}"`));
  const id = form?.match(/name="\$ACTION_ID_([0-9a-f]+)"/)?.[1];
  if (!id) throw new Error(`no action with ${field} on ${path}`);
  return id;
}

/** Submits a server action as the browser does without JavaScript. */
async function replay(path: string, actionId: string, fields: Record<string, string>, cookie: string) {
  const body = new FormData();
  body.set(`$ACTION_ID_${actionId}`, "");
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  return fetch(`${app().url}${path}`, { method: "POST", body, headers: { cookie, origin: app().url }, redirect: "manual" });
}

describe("another tutor's cohort", () => {
  let a: Awaited<ReturnType<typeof tutorWithCohort>>;
  let b: Awaited<ReturnType<typeof tutorWithCohort>>;
  let seminarId: string;

  beforeAll(async () => {
    a = await tutorWithCohort("tutor-a");
    b = await tutorWithCohort("tutor-b");
    seminarId = (await seminarWithAnswers(a.tutor.id, a.cohort.id, ["YES", "NO", "YES"], ["NO", "NO", "YES"])).seminar.id;
  });

  it("cannot be read by URL: cohort page, deletion pages, history, comparison, exports", async () => {
    const pages = [
      `/cohorts/${a.cohort.id}`,
      `/cohorts/${a.cohort.id}/delete`,
      `/seminars/${seminarId}/delete`,
    ];
    for (const path of pages) {
      const own = await get(path, a.cookie);
      expect(own.status, path).toBe(200);
      expect(await own.text()).toContain(a.cohort.name);
      const other = await get(path, b.cookie);
      expect(other.status, path).toBe(404);
      expect(await other.text()).not.toContain(a.cohort.name);
    }
    const overview = await (await get("/cohorts", b.cookie)).text();
    expect(overview).not.toContain(a.cohort.name);

    const scenario = `${FIRST_PACK}/${(await getPrisma().round.findFirstOrThrow({ where: { seminarId } })).scenarioId}`;
    const history = `/history?scenario=${encodeURIComponent(scenario)}&cohort=${a.cohort.id}`;
    expect(await (await get(history, a.cookie)).text()).toContain("2 Yes / 1 No");
    const refused = await (await get(history, b.cookie)).text();
    expect(refused).toContain("not shared with you");
    expect(refused).not.toContain("2 Yes / 1 No");
    // Without naming cohorts, the history covers only the tutor's own.
    expect(await (await get(`/history?scenario=${encodeURIComponent(scenario)}`, b.cookie)).text()).not.toContain(a.cohort.name);

    const exports = [
      `/exports?scope=seminar&id=${seminarId}&format=csv`,
      `/exports?scope=cohort&id=${a.cohort.id}&format=xlsx`,
      `/exports?scope=cohort&id=${a.cohort.id}&format=csv&rows=responses`,
      `/exports?scope=comparison&scenario=${encodeURIComponent(scenario)}&cohort=${a.cohort.id}&format=csv`,
    ];
    for (const path of exports) {
      const own = await get(path, a.cookie);
      expect(own.status, path).toBe(200);
      expect(own.headers.get("content-disposition")).toMatch(/^attachment/);
      await own.arrayBuffer();
      const other = await get(path, b.cookie);
      expect(other.status, path).toBe(404);
      expect(await other.text()).not.toContain(a.cohort.name);
    }
    expect((await fetch(`${app().url}${exports[0]}`)).status).toBe(401);
    expect((await get("/exports?scope=cohort&format=pdf", a.cookie)).status).toBe(400);
  });

  it("cannot be changed by replaying the owner's form actions with another tutor's cookie", async () => {
    const renameId = await actionIdOn(`/cohorts/${a.cohort.id}`, a.cookie, "name");
    const deleteId = await actionIdOn(`/cohorts/${a.cohort.id}/delete`, a.cookie, "cohortId");
    const deleteSeminarId = await actionIdOn(`/seminars/${seminarId}/delete`, a.cookie, "seminarId");

    await replay(`/cohorts/${a.cohort.id}`, renameId, { cohortId: a.cohort.id, name: "renamed by b" }, b.cookie);
    await replay(`/seminars/${seminarId}/delete`, deleteSeminarId, { seminarId, cohortId: a.cohort.id }, b.cookie);
    await replay(`/cohorts/${a.cohort.id}/delete`, deleteId, { cohortId: a.cohort.id }, b.cookie);
    const prisma = getPrisma();
    expect((await prisma.cohort.findUnique({ where: { id: a.cohort.id } }))?.name).toBe(a.cohort.name);
    expect(await prisma.seminar.count({ where: { id: seminarId } })).toBe(1);

    // The same requests with the owner's cookie do change it: the replay itself is sound.
    await replay(`/cohorts/${a.cohort.id}`, renameId, { cohortId: a.cohort.id, name: "renamed by a" }, a.cookie);
    expect((await prisma.cohort.findUnique({ where: { id: a.cohort.id } }))?.name).toBe("renamed by a");
  });

  it("shared read-only, still cannot be run by socket event: join, command, look and display are refused", async () => {
    const prisma = getPrisma();
    await prisma.cohortShare.upsert({
      where: { cohortId_tutorId: { cohortId: a.cohort.id, tutorId: b.tutor.id } },
      create: { cohortId: a.cohort.id, tutorId: b.tutor.id },
      update: {},
    });
    const live = await startSeminar({ tutorId: a.tutor.id, cohortId: a.cohort.id, packSlug: FIRST_PACK });
    await runCommand(live.id, a.tutor.id, "open");
    // Reading is allowed: the cohort page opens for b.
    expect((await get(`/cohorts/${a.cohort.id}`, b.cookie)).status).toBe(200);

    const socket = client(app().url, b.cookie);
    await waitFor(() => socket.connected, 10_000, "socket connected");
    const ask = async (event: "presenter:join" | "presenter:command" | "presenter:look" | "presenter:display", payload: object) =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (await socket.timeout(5000).emitWithAck(event as any, payload as any)) as { ok: boolean };
    expect((await ask("presenter:join", { seminarId: live.id, view: "controls" })).ok).toBe(false);
    expect((await ask("presenter:command", { seminarId: live.id, command: "close" })).ok).toBe(false);
    expect((await ask("presenter:look", { seminarId: live.id, on: true })).ok).toBe(false);
    expect((await ask("presenter:display", { seminarId: live.id, blank: true })).ok).toBe(false);
    socket.disconnect();
    const stored = await prisma.seminar.findUniqueOrThrow({ where: { id: live.id }, include: { rounds: true } });
    expect(stored.projectorBlank).toBe(false);
    expect(stored.rounds.map((r) => r.closedAt)).toEqual([null]);
  });
});

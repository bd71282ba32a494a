"use client";
// The pack editor: every field of the content schema as a form, checked with the same schema
// as the files in content/ and each problem shown beside its field. Unsaved changes are kept
// as a draft in this browser, so a reload or a slip of the back button loses nothing.
import Link from "next/link";
import { useEffect, useMemo, useRef, useState, useTransition } from "react";
import type { PackActionState } from "@/app/(tutor)/packs/actions";
import { PackPreview } from "@/components/PackPreview";
import { formatPath, packSchema, type PackInput } from "@/lib/packs";

interface FactorForm {
  label: string;
  detail: string;
}

interface ScenarioForm {
  /** React key; not stored. */
  key: string;
  /** Saved scenarios keep their id: seminar history refers to it. */
  saved: boolean;
  id: string;
  idEdited: boolean;
  title: string;
  prompt: string;
  question: string;
  /** Paragraphs separated by a blank line. */
  discussion: string;
  factors: FactorForm[];
  /** One per line. */
  questions: string;
  askReason?: boolean;
  tickFactors?: boolean;
}

interface PackForm {
  slug: string;
  slugEdited: boolean;
  title: string;
  summary: string;
  introduction: string;
  subject: string;
  tags: string;
  learningObjectives: string;
  language: string;
  source: { title: string; author: string; publisher: string; year: string; url: string; note: string };
  scenarios: ScenarioForm[];
  reflectiveQuestions: string;
  /** The suggested context question and its options (one per line); empty: none. */
  segmentQuestion?: string;
  segmentOptions?: string;
}

let keySeq = 0;
const newKey = () => `s${Date.now().toString(36)}${++keySeq}`;

function kebab(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
}

const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
const paragraphs = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
const optional = (text: string) => (text.trim() === "" ? undefined : text.trim());
const optionalList = (text: string) => (lines(text).length ? lines(text) : undefined);

function emptyScenario(): ScenarioForm {
  return { key: newKey(), saved: false, id: "", idEdited: false, title: "", prompt: "", question: "", discussion: "", factors: [], questions: "" };
}

function emptyForm(): PackForm {
  return {
    slug: "",
    slugEdited: false,
    title: "",
    summary: "",
    introduction: "",
    subject: "",
    tags: "",
    learningObjectives: "",
    language: "en",
    source: { title: "", author: "", publisher: "", year: "", url: "", note: "" },
    scenarios: [emptyScenario()],
    reflectiveQuestions: "",
  };
}

function fromPack(pack: PackInput): PackForm {
  return {
    slug: pack.slug,
    slugEdited: true,
    title: pack.title,
    summary: pack.summary,
    introduction: pack.introduction ?? "",
    subject: pack.subject ?? "",
    tags: (pack.tags ?? []).join("\n"),
    learningObjectives: (pack.learningObjectives ?? []).join("\n"),
    language: pack.language ?? "en",
    source: {
      title: pack.source?.title ?? "",
      author: pack.source?.author ?? "",
      publisher: pack.source?.publisher ?? "",
      year: pack.source?.year === undefined ? "" : String(pack.source.year),
      url: pack.source?.url ?? "",
      note: pack.source?.note ?? "",
    },
    scenarios: pack.scenarios.map((s, i) => ({
      key: `saved-${i}-${s.id}`,
      saved: true,
      id: s.id,
      idEdited: true,
      title: s.title,
      prompt: s.prompt,
      question: s.question,
      discussion: s.discussion.join("\n\n"),
      factors: (s.factors ?? []).map((f) => ({ label: f.label, detail: f.detail ?? "" })),
      questions: (s.questions ?? []).join("\n"),
      askReason: s.askReason === true,
      tickFactors: s.tickFactors === true,
    })),
    reflectiveQuestions: (pack.reflectiveQuestions ?? []).join("\n"),
    segmentQuestion: pack.segmentQuestion?.question ?? "",
    segmentOptions: (pack.segmentQuestion?.options ?? []).join("\n"),
  };
}

/** The form as pack content, for the schema (version is assigned by the server on save). */
function toInput(form: PackForm, version: number): Record<string, unknown> {
  const s = form.source;
  const hasSource = Object.values(s).some((v) => v.trim() !== "");
  const year = s.year.trim();
  return {
    slug: form.slug.trim(),
    title: form.title,
    summary: form.summary,
    introduction: optional(form.introduction),
    subject: optional(form.subject),
    tags: lines(form.tags),
    learningObjectives: lines(form.learningObjectives),
    language: form.language.trim() || "en",
    version,
    source: hasSource
      ? {
          title: s.title,
          author: optional(s.author),
          publisher: optional(s.publisher),
          year: year === "" ? undefined : /^-?\d+$/.test(year) ? Number(year) : year,
          url: optional(s.url),
          note: optional(s.note),
        }
      : undefined,
    scenarios: form.scenarios.map((sc) => {
      const factors = sc.factors.filter((f) => f.label.trim() || f.detail.trim());
      return {
        id: sc.id.trim(),
        title: sc.title,
        prompt: sc.prompt,
        question: sc.question,
        discussion: paragraphs(sc.discussion),
        factors: factors.length ? factors.map((f) => ({ label: f.label, detail: optional(f.detail) })) : undefined,
        questions: optionalList(sc.questions),
        askReason: sc.askReason ? true : undefined,
        tickFactors: sc.tickFactors ? true : undefined,
      };
    }),
    reflectiveQuestions: lines(form.reflectiveQuestions),
    segmentQuestion:
      (form.segmentQuestion ?? "").trim() || (form.segmentOptions ?? "").trim()
        ? { question: form.segmentQuestion ?? "", options: lines(form.segmentOptions ?? "") }
        : undefined,
  };
}

/** Each field that can show a problem, by its path (`scenarios[0].prompt`). */
function fieldKeys(form: PackForm): Set<string> {
  const keys = new Set(["slug", "title", "summary", "introduction", "subject", "tags", "learningObjectives", "language", "scenarios", "reflectiveQuestions", "segmentQuestion", "segmentQuestion.question", "segmentQuestion.options"]);
  for (const f of ["title", "author", "publisher", "year", "url", "note"]) keys.add(`source.${f}`);
  form.scenarios.forEach((s, i) => {
    for (const f of ["id", "title", "prompt", "question", "discussion", "factors", "questions", "askReason", "tickFactors"]) keys.add(`scenarios[${i}].${f}`);
    s.factors.forEach((_, j) => {
      keys.add(`scenarios[${i}].factors[${j}].label`);
      keys.add(`scenarios[${i}].factors[${j}].detail`);
    });
  });
  return keys;
}

/** The field a problem belongs to: its own path, or the nearest enclosing field (a list item → the list). */
function fieldOf(path: string, keys: Set<string>): string {
  let p = path;
  while (p && !keys.has(p)) p = p.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
  return p || "";
}

type Problems = Map<string, string[]>;

function groupProblems(messages: string[], keys: Set<string>): Problems {
  const map: Problems = new Map();
  for (const message of messages) {
    const m = /^([A-Za-z][\w.[\]]*): (.*)$/.exec(message);
    const field = m ? fieldOf(m[1]!, keys) : "";
    const text = m && field ? m[2]! : message;
    map.set(field, [...(map.get(field) ?? []), text]);
  }
  return map;
}

const fieldId = (path: string) => `field-${path.replace(/[^\w]+/g, "-")}`;

interface Props {
  packId: string | null;
  initial: PackInput | null;
  version: number | null;
  action: (packId: string | null, content: unknown) => Promise<PackActionState>;
}

export function PackEditor({ packId, initial, version, action }: Props) {
  const savedForm = useMemo(() => (initial ? fromPack(initial) : emptyForm()), [initial]);
  const [form, setForm] = useState<PackForm>(savedForm);
  const [baseline, setBaseline] = useState<string>(() => JSON.stringify(savedForm));
  const [restored, setRestored] = useState(false);
  const [showProblems, setShowProblems] = useState(false);
  const [serverState, setServerState] = useState<PackActionState>({});
  const [currentVersion, setCurrentVersion] = useState(version);
  const [pending, startTransition] = useTransition();
  const draftKey = `weigh-in.pack-draft.${packId ?? "new"}`;
  const loaded = useRef(false);

  const dirty = JSON.stringify(form) !== baseline;

  // Bring back a draft left by a reload or an accidental navigation.
  useEffect(() => {
    if (loaded.current) return;
    loaded.current = true;
    if (packId && initial) {
      // The new-pack draft became this pack when it was first saved.
      try {
        const fresh = JSON.parse(localStorage.getItem("weigh-in.pack-draft.new") ?? "null") as PackForm | null;
        if (fresh?.slug === initial.slug) localStorage.removeItem("weigh-in.pack-draft.new");
      } catch {
        localStorage.removeItem("weigh-in.pack-draft.new");
      }
    }
    const raw = localStorage.getItem(draftKey);
    if (!raw || raw === baseline) return;
    try {
      const draft = JSON.parse(raw) as PackForm;
      if (Array.isArray(draft.scenarios) && typeof draft.title === "string") {
        // eslint-disable-next-line react-hooks/set-state-in-effect -- localStorage exists only in the browser, after hydration
        setForm(draft);
        setRestored(true);
      }
    } catch {
      localStorage.removeItem(draftKey);
    }
  }, [draftKey, baseline, packId, initial]);

  useEffect(() => {
    if (!loaded.current) return;
    if (dirty) localStorage.setItem(draftKey, JSON.stringify(form));
    else localStorage.removeItem(draftKey);
  }, [form, dirty, draftKey]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const input = toInput(form, currentVersion ?? 1);
  const keys = fieldKeys(form);
  const check = packSchema.safeParse(input);
  const clientMessages = check.success ? [] : check.error.issues.map((i) => `${formatPath(i.path) || "pack"}: ${i.message}`);
  const problems = groupProblems([...(showProblems ? clientMessages : []), ...(serverState.problems ?? [])], keys);

  const update = (change: (f: PackForm) => PackForm) => {
    setServerState((s) => ({ saved: s.saved }));
    setForm(change);
  };
  const set = (field: keyof PackForm) => (value: string) =>
    update((f) => {
      const next = { ...f, [field]: value };
      if (field === "title" && !f.slugEdited && !packId) next.slug = kebab(value);
      if (field === "slug") next.slugEdited = true;
      return next;
    });
  const setSource = (field: keyof PackForm["source"]) => (value: string) => update((f) => ({ ...f, source: { ...f.source, [field]: value } }));
  const setScenario = (index: number, change: (s: ScenarioForm) => ScenarioForm) =>
    update((f) => ({ ...f, scenarios: f.scenarios.map((s, i) => (i === index ? change(s) : s)) }));
  const setScenarioField = (index: number, field: "title" | "prompt" | "question" | "discussion" | "questions" | "id") => (value: string) =>
    update((f) => ({
      ...f,
      scenarios: f.scenarios.map((s, i) => {
        if (i !== index) return s;
        const next = { ...s, [field]: value };
        if (field === "id") next.idEdited = true;
        if (field === "title" && !s.idEdited && !s.saved) next.id = uniqueId(kebab(value), f.scenarios, i);
        return next;
      }),
    }));
  const move = (index: number, by: -1 | 1) =>
    update((f) => {
      const to = index + by;
      if (to < 0 || to >= f.scenarios.length) return f;
      const scenarios = [...f.scenarios];
      [scenarios[index], scenarios[to]] = [scenarios[to]!, scenarios[index]!];
      return { ...f, scenarios };
    });

  const save = () => {
    setShowProblems(true);
    if (!check.success) {
      setServerState({ error: "The pack has problems; fix the fields marked." });
      return;
    }
    startTransition(async () => {
      const result = await action(packId, input);
      setServerState(result);
      if (result.saved) {
        setCurrentVersion(result.saved.version);
        setBaseline(JSON.stringify(form));
        setRestored(false);
        localStorage.removeItem(draftKey);
      }
    });
  };

  const discard = () => {
    localStorage.removeItem(draftKey);
    setForm(savedForm);
    setBaseline(JSON.stringify(savedForm));
    setRestored(false);
    setServerState({});
  };

  const field = (path: string, label: string, value: string, onChange: (v: string) => void, opts: FieldOptions = {}) => (
    <Field key={path} path={path} label={label} value={value} onChange={onChange} problems={problems.get(path)} {...opts} />
  );

  const general = problems.get("") ?? [];
  return (
    <main id="main" className="page stack pack-editor">
      <p>
        <Link href={packId ? `/packs/${packId}` : "/packs"}>{packId ? "Back to the pack" : "All packs"}</Link>
      </p>
      <h1>{packId ? `Edit: ${initial?.title}` : "Write a new pack"}</h1>
      {currentVersion !== null && <p className="muted">Version {currentVersion}. Saving a version that a seminar has used adds a new version.</p>}
      {restored && (
        <div className="notice row" role="status">
          <span>Your unsaved changes from earlier were brought back.</span>
          <button type="button" className="secondary small" onClick={discard}>
            Discard them
          </button>
        </div>
      )}

      <form
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <fieldset className="card stack">
          <legend>The pack</legend>
          {field("title", "Title", form.title, set("title"))}
          {field("slug", "Slug (the pack's permanent name)", form.slug, set("slug"), {
            readOnly: packId !== null,
            hint: packId ? "Seminar history refers to it, so it cannot change." : "Lower-case words joined by hyphens; made from the title unless you change it.",
          })}
          {field("summary", "Summary", form.summary, set("summary"), { multiline: 2, hint: "One or two sentences for the pack list." })}
          {field("introduction", "Introduction (optional)", form.introduction, set("introduction"), { multiline: 3 })}
          {field("subject", "Subject (optional)", form.subject, set("subject"))}
          {field("tags", "Tags (optional, one per line)", form.tags, set("tags"), { multiline: 2 })}
          {field("learningObjectives", "Learning objectives (optional, one per line)", form.learningObjectives, set("learningObjectives"), { multiline: 3 })}
          {field("language", "Language", form.language, set("language"), { hint: "A tag such as en or en-GB." })}
        </fieldset>

        <fieldset className="card stack">
          <legend>Credit and source (optional)</legend>
          {field("source.title", "Title of the work it is based on", form.source.title, setSource("title"))}
          {field("source.author", "Author", form.source.author, setSource("author"))}
          {field("source.publisher", "Publisher", form.source.publisher, setSource("publisher"))}
          {field("source.year", "Year", form.source.year, setSource("year"), { inputMode: "numeric" })}
          {field("source.url", "Web address", form.source.url, setSource("url"))}
          {field("source.note", "Note (e.g. paraphrased adaptation)", form.source.note, setSource("note"))}
        </fieldset>

        <section className="stack" aria-labelledby="scenarios-heading">
          <h2 id="scenarios-heading">Scenarios</h2>
          <ErrorList id={fieldId("scenarios")} messages={problems.get("scenarios")} />
          {form.scenarios.map((s, i) => {
            const p = `scenarios[${i}]`;
            const n = i + 1;
            return (
              <fieldset key={s.key} className="card stack scenario-form" data-testid={`scenario-${n}`}>
                <legend>
                  Scenario {n}
                  {s.title ? `: ${s.title}` : ""}
                </legend>
                <div className="row" role="group" aria-label={`Arrange scenario ${n}`}>
                  <button type="button" className="secondary small" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move up: scenario ${n}`}>
                    Move up
                  </button>
                  <button
                    type="button"
                    className="secondary small"
                    onClick={() => move(i, 1)}
                    disabled={i === form.scenarios.length - 1}
                    aria-label={`Move down: scenario ${n}`}
                  >
                    Move down
                  </button>
                  <button
                    type="button"
                    className="secondary small"
                    onClick={() => update((f) => ({ ...f, scenarios: f.scenarios.filter((_, j) => j !== i) }))}
                    aria-label={`Remove scenario ${n}`}
                  >
                    Remove
                  </button>
                </div>
                {field(`${p}.title`, "Title", s.title, setScenarioField(i, "title"))}
                {field(`${p}.id`, "Identifier", s.id, setScenarioField(i, "id"), {
                  readOnly: s.saved,
                  hint: s.saved ? "Saved scenarios keep their identifier, so results stay comparable." : "Made from the title; it cannot change once saved.",
                })}
                {field(`${p}.prompt`, "Prompt (the situation)", s.prompt, setScenarioField(i, "prompt"), { multiline: 4 })}
                {field(`${p}.question`, "Yes/No question", s.question, setScenarioField(i, "question"))}
                {field(`${p}.discussion`, "Discussion notes", s.discussion, setScenarioField(i, "discussion"), {
                  multiline: 6,
                  hint: "Leave a blank line between paragraphs. You may use *emphasis*, **bold**, lists (- item), links [text](https://…) and quotes (> text).",
                })}
                <fieldset className="stack">
                  <legend>Factors (optional)</legend>
                  <ErrorList id={fieldId(`${p}.factors`)} messages={problems.get(`${p}.factors`)} />
                  {s.factors.map((f, j) => (
                    <div key={j} className="row factor-row">
                      <Field
                        path={`${p}.factors[${j}].label`}
                        label={`Factor ${j + 1}`}
                        value={f.label}
                        problems={problems.get(`${p}.factors[${j}].label`)}
                        onChange={(v) => setScenario(i, (sc) => ({ ...sc, factors: sc.factors.map((x, k) => (k === j ? { ...x, label: v } : x)) }))}
                      />
                      <Field
                        path={`${p}.factors[${j}].detail`}
                        label={`Factor ${j + 1} detail (optional)`}
                        value={f.detail}
                        problems={problems.get(`${p}.factors[${j}].detail`)}
                        onChange={(v) => setScenario(i, (sc) => ({ ...sc, factors: sc.factors.map((x, k) => (k === j ? { ...x, detail: v } : x)) }))}
                      />
                      <button
                        type="button"
                        className="secondary small"
                        aria-label={`Remove factor ${j + 1} of scenario ${n}`}
                        onClick={() => setScenario(i, (sc) => ({ ...sc, factors: sc.factors.filter((_, k) => k !== j) }))}
                      >
                        Remove
                      </button>
                    </div>
                  ))}
                  <button
                    type="button"
                    className="secondary small"
                    onClick={() => setScenario(i, (sc) => ({ ...sc, factors: [...sc.factors, { label: "", detail: "" }] }))}
                  >
                    Add a factor
                  </button>
                </fieldset>
                {field(`${p}.questions`, "Questions for discussion (optional, one per line)", s.questions, setScenarioField(i, "questions"), {
                  multiline: 3,
                })}
                <fieldset className="stack">
                  <legend>With the answer, phones offer (optional)</legend>
                  <div className="check">
                    <input
                      id={fieldId(`${p}.askReason`)}
                      type="checkbox"
                      checked={s.askReason === true}
                      onChange={(e) => setScenario(i, (sc) => ({ ...sc, askReason: e.target.checked }))}
                    />
                    <label htmlFor={fieldId(`${p}.askReason`)}>A field for one short anonymous reason (the tutor approves each before the class sees it)</label>
                  </div>
                  <div className="check">
                    <input
                      id={fieldId(`${p}.tickFactors`)}
                      type="checkbox"
                      checked={s.tickFactors === true}
                      aria-describedby={problems.get(`${p}.tickFactors`) ? `${fieldId(`${p}.tickFactors`)}-problems` : undefined}
                      onChange={(e) => setScenario(i, (sc) => ({ ...sc, tickFactors: e.target.checked }))}
                    />
                    <label htmlFor={fieldId(`${p}.tickFactors`)}>The factors above as ticks, ranked on the projector after the reveal</label>
                  </div>
                  <ErrorList id={`${fieldId(`${p}.tickFactors`)}-problems`} messages={problems.get(`${p}.tickFactors`)} />
                </fieldset>
              </fieldset>
            );
          })}
          <button type="button" className="secondary" onClick={() => update((f) => ({ ...f, scenarios: [...f.scenarios, emptyScenario()] }))}>
            Add a scenario
          </button>
        </section>

        <fieldset className="card stack">
          <legend>End of the seminar</legend>
          {field("reflectiveQuestions", "Reflective questions (optional, one per line)", form.reflectiveQuestions, set("reflectiveQuestions"), {
            multiline: 3,
          })}
        </fieldset>

        <fieldset className="card stack">
          <legend>Suggested context question (optional)</legend>
          <ErrorList id={fieldId("segmentQuestion")} messages={problems.get("segmentQuestion")} />
          {field("segmentQuestion.question", "Question asked when phones join", form.segmentQuestion ?? "", set("segmentQuestion"), {
            hint: "Offered on the start form, e.g. “Which part of social work is your placement in?”. Results can then be shown by group.",
          })}
          {field("segmentQuestion.options", "Options (2 to 8, one per line)", form.segmentOptions ?? "", set("segmentOptions"), { multiline: 4 })}
        </fieldset>

        <div className="save-bar stack">
          <div role="status" aria-live="polite">
            {serverState.saved && !dirty && (
              <p data-testid="saved">
                Saved as version {serverState.saved.version}
                {serverState.saved.created ? " (a new version: the earlier one was used in a seminar)" : ""}.
              </p>
            )}
            {dirty && <p className="muted">Unsaved changes (kept in this browser until you save).</p>}
          </div>
          {(serverState.error || general.length > 0) && (
            <div role="alert">
              {serverState.error && <p className="error">{serverState.error}</p>}
              <ErrorList messages={general} />
            </div>
          )}
          <div className="row">
            <button type="submit" disabled={pending}>
              {pending ? "Saving…" : packId ? "Save" : "Create pack"}
            </button>
            {packId && !dirty && (
              <Link className="button secondary" href={`/packs/${packId}`}>
                Done
              </Link>
            )}
          </div>
        </div>
      </form>

      <PackPreview pack={{ title: form.title, scenarios: (input.scenarios as never[]) ?? [] }} />
    </main>
  );
}

function uniqueId(base: string, scenarios: ScenarioForm[], self: number): string {
  const taken = new Set(scenarios.filter((_, i) => i !== self).map((s) => s.id));
  if (!base) return "";
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

interface FieldOptions {
  multiline?: number;
  readOnly?: boolean;
  hint?: string;
  inputMode?: "numeric";
}

function Field({
  path,
  label,
  value,
  onChange,
  problems,
  multiline,
  readOnly,
  hint,
  inputMode,
}: FieldOptions & { path: string; label: string; value: string; onChange: (v: string) => void; problems?: string[] }) {
  const id = fieldId(path);
  const describedBy = [hint ? `${id}-hint` : "", problems?.length ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    name: path,
    value,
    readOnly,
    "aria-invalid": problems?.length ? true : undefined,
    "aria-describedby": describedBy,
    onChange: (e: { target: { value: string } }) => onChange(e.target.value),
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? <textarea rows={multiline} {...common} /> : <input type="text" inputMode={inputMode} {...common} />}
      {hint && (
        <p id={`${id}-hint`} className="muted hint">
          {hint}
        </p>
      )}
      {problems && problems.length > 0 && <ErrorList id={`${id}-error`} messages={problems} />}
    </div>
  );
}

function ErrorList({ id, messages }: { id?: string; messages?: string[] }) {
  if (!messages || messages.length === 0) return null;
  return (
    <ul id={id} className="field-errors">
      {messages.map((m) => (
        <li key={m} className="error">
          {m}
        </li>
      ))}
    </ul>
  );
}


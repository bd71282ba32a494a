// Loads the content packs in content/ (Node only). Every file is parsed and validated, and
// all problems in all files are reported together in one PackValidationError, so a tutor
// fixing a pack sees the whole list at once. The format is described in docs/content.md.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { isMap, isSeq, LineCounter, parseDocument, stringify, type Node as YamlNode } from "yaml";
import { setting } from "./env.server";
import { formatPackError, packSchema, type Pack } from "./packs";
import { singleton } from "./singleton";

export class PackValidationError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in content packs:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "PackValidationError";
  }
}

const PACK_FILE = /\.ya?ml$/i;

/** A path for messages: relative to the working directory when inside it (`content/x.yaml`). */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  const shown = relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
  return shown.split(path.sep).join("/");
}

/** The line of the YAML node at `fieldPath`, or of its nearest existing parent (for missing fields). */
function locator(doc: ReturnType<typeof parseDocument>, lines: LineCounter) {
  return (fieldPath: readonly PropertyKey[]): number | undefined => {
    let node: unknown = doc.contents;
    let found: unknown = node;
    for (const key of fieldPath) {
      if (isMap(node)) {
        const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
        node = pair?.value;
      } else if (isSeq(node) && typeof key === "number") {
        node = node.items[key];
      } else {
        node = undefined;
      }
      if (!node) break;
      found = node;
    }
    const offset = (found as YamlNode | null)?.range?.[0];
    return offset === undefined ? undefined : lines.linePos(offset).line;
  };
}

/**
 * Parses and validates one pack written in YAML. Each problem names `shown` (a file name), the
 * field and, where it can, the line. `pack` is set when the text is valid.
 */
export function parsePackYaml(source: string, shown: string): { pack?: Pack; problems: string[]; data?: unknown } {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return `${shown}: line ${pos.line}, column ${pos.col}: YAML syntax error: ${e.message.split("\n")[0]}`;
      }),
    };
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return { problems: [`${shown}: the file is empty`] };
  const result = packSchema.safeParse(data);
  const problems = result.success ? [] : formatPackError(shown, result.error, locator(doc, lines));
  return result.success ? { pack: result.data, problems, data } : { problems, data };
}

/** Problems with one pack file; `pack` is set when the file is valid. */
function checkFile(file: string, source: string): { pack?: Pack; problems: string[] } {
  const shown = displayPath(file);
  const parsed = parsePackYaml(source, shown);
  if (parsed.data === undefined) return parsed;
  const { problems } = parsed;

  // Checked even when other fields are invalid, so every problem is listed at once.
  const rawSlug = (parsed.data as { slug?: unknown } | null)?.slug;
  const slug = typeof rawSlug === "string" ? rawSlug.trim() : undefined;
  const expected = path.basename(file).replace(PACK_FILE, "");
  if (slug && slug !== expected) {
    const line = slugLine(source);
    problems.push(
      `${shown}: slug: "${slug}" does not match the file name; the slug must be "${expected}" ` +
        `(or rename the file to ${slug}.yaml)${line ? ` (line ${line})` : ""}`,
    );
  }
  return problems.length === 0 && parsed.pack ? { pack: parsed.pack, problems } : { problems };
}

function slugLine(source: string): number | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  return locator(doc, lines)(["slug"]);
}

/** A pack as a YAML file in the format of content/ (what parsePackYaml reads back). */
export function packToYaml(pack: Pack): string {
  return stringify(pack, { lineWidth: 0 });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Reads, parses and validates every `*.yaml` / `*.yml` file in `dir` (relative to the working
 * directory). Returns the packs sorted by slug (frozen: shared by every request), or throws
 * one PackValidationError listing every problem in every file.
 */
export async function loadPacks(dir = "content"): Promise<Pack[]> {
  // Packs are read at run time from the install's content folder, not bundled into the build.
  const root = path.resolve(/*turbopackIgnore: true*/ process.cwd(), dir);
  let names: string[];
  try {
    names = (await readdir(/*turbopackIgnore: true*/ root, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && PACK_FILE.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "directory not found" : String(error);
    throw new PackValidationError([`${displayPath(root)}: cannot read the content directory: ${reason}`]);
  }

  const problems: string[] = [];
  const packs: Pack[] = [];
  const fileOfSlug = new Map<string, string>();
  for (const name of names) {
    const file = path.join(/*turbopackIgnore: true*/ root, name);
    const { pack, problems: fileProblems } = checkFile(file, await readFile(file, "utf8"));
    problems.push(...fileProblems);
    if (!pack) continue;
    const other = fileOfSlug.get(pack.slug);
    if (other) {
      problems.push(`${displayPath(file)}: slug: "${pack.slug}" is already used by ${displayPath(other)}`);
      continue;
    }
    fileOfSlug.set(pack.slug, file);
    packs.push(pack);
  }
  if (problems.length > 0) throw new PackValidationError(problems);
  return deepFreeze(packs);
}

// One cache per process: the custom server and Next's bundled server code load this module
// separately, and must not each keep (and disagree about) their own copy.
function cache(): { packs?: Promise<Pack[]> } {
  return singleton("packs", () => ({}));
}

/**
 * All packs from CONTENT_DIR (default content/), loaded on first use and then cached.
 * A failed load is not cached: the next call tries again (e.g. after a file is fixed).
 */
export function listPacks(): Promise<Pack[]> {
  const c = cache();
  if (!c.packs) {
    const loading = loadPacks(setting("CONTENT_DIR"));
    c.packs = loading;
    loading.catch(() => {
      if (c.packs === loading) c.packs = undefined;
    });
  }
  return c.packs;
}

/** The pack with this slug, or undefined. */
export async function getPack(slug: string): Promise<Pack | undefined> {
  return (await listPacks()).find((pack) => pack.slug === slug);
}

/** Forgets the cached packs; the next listPacks()/getPack() reads content/ again. */
export function clearPackCache(): void {
  cache().packs = undefined;
}

"use server";
// Server actions for packs written in the app. Each one checks the signed-in tutor and passes
// validated input to lib/pack-library.server.ts, which decides what that tutor may do.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { formFields, recordId } from "@/lib/form-input";
import { requireTutor } from "@/lib/auth.server";
import {
  createPack,
  duplicatePack,
  importPack,
  PackLibraryError,
  savePack,
  sharePack,
  unsharePack,
} from "@/lib/pack-library.server";

export interface PackActionState {
  error?: string;
  /** One message per problem: `field: message` (and ` (line N)` for a file). */
  problems?: string[];
  saved?: { version: number; created: boolean; at: number };
}

const id = recordId;
const MAX_PACK_CHARS = 200_000;

function failure(error: unknown): PackActionState {
  if (error instanceof PackLibraryError) return { error: error.message, problems: error.problems };
  throw error;
}

/** Saves the editor's content: a new pack when `packId` is null, else the pack's next content. */
export async function savePackAction(packId: string | null, content: unknown): Promise<PackActionState> {
  const tutor = await requireTutor("/packs");
  const parsedId = id.nullable().safeParse(packId);
  if (!parsedId.success) return { error: "Unknown pack." };
  if (JSON.stringify(content ?? null).length > MAX_PACK_CHARS) return { error: "The pack is too long to save." };
  let createdId: string;
  try {
    if (parsedId.data) {
      const result = await savePack(tutor.id, parsedId.data, content);
      revalidatePath(`/packs/${parsedId.data}`);
      return { saved: { version: result.version, created: result.created, at: Date.now() } };
    }
    createdId = (await createPack(tutor.id, content)).id;
  } catch (error) {
    return failure(error);
  }
  redirect(`/packs/${createdId}/edit?created=1`);
}

const duplicateSchema = z.union([z.object({ slug: z.string().min(1).max(100) }), z.object({ packId: id })]);

export async function duplicatePackAction(_: PackActionState, form: unknown): Promise<PackActionState> {
  const tutor = await requireTutor("/packs");
  const parsed = duplicateSchema.safeParse(formFields(form));
  if (!parsed.success) return { error: "Unknown pack." };
  let copyId: string;
  try {
    copyId = (await duplicatePack(tutor.id, parsed.data)).id;
  } catch (error) {
    return failure(error);
  }
  redirect(`/packs/${copyId}/edit`);
}

const shareSchema = z.object({
  packId: id,
  email: z.email("Give the e-mail address the tutor signs in with.").max(320),
  level: z.enum(["read", "edit"]),
});

export async function sharePackAction(_: PackActionState, form: unknown): Promise<PackActionState> {
  const tutor = await requireTutor("/packs");
  const parsed = shareSchema.safeParse(formFields(form));
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid input." };
  try {
    await sharePack(tutor.id, parsed.data.packId, parsed.data.email, parsed.data.level === "edit");
  } catch (error) {
    return failure(error);
  }
  revalidatePath(`/packs/${parsed.data.packId}`);
  return {};
}

const unshareSchema = z.object({ packId: id, tutorId: id });

export async function unsharePackAction(_: PackActionState, form: unknown): Promise<PackActionState> {
  const tutor = await requireTutor("/packs");
  const parsed = unshareSchema.safeParse(formFields(form));
  if (!parsed.success) return { error: "Invalid input." };
  try {
    await unsharePack(tutor.id, parsed.data.packId, parsed.data.tutorId);
  } catch (error) {
    return failure(error);
  }
  revalidatePath(`/packs/${parsed.data.packId}`);
  return {};
}

const MAX_FILE_BYTES = 512 * 1024;
const importSchema = z.object({
  file: z
    .instanceof(File, { error: "Choose a YAML file." })
    .refine((f) => f.size > 0, "The file is empty.")
    .refine((f) => f.size <= MAX_FILE_BYTES, "The file is larger than 512 KB.")
    .refine((f) => /\.ya?ml$/i.test(f.name), "Choose a .yaml or .yml file."),
});

export async function importPackAction(_: PackActionState, form: unknown): Promise<PackActionState> {
  const tutor = await requireTutor("/packs");
  const parsed = importSchema.safeParse({ file: formFields(form)?.file });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Choose a YAML file." };
  const { file } = parsed.data;
  const name = file.name.replace(/[^\w.-]/g, "_").slice(0, 100);
  let packId: string;
  try {
    packId = (await importPack(tutor.id, name, await file.text())).id;
  } catch (error) {
    return failure(error);
  }
  redirect(`/packs/${packId}`);
}

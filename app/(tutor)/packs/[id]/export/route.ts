// Downloads a pack as a YAML file in the format of content/.
import { recordId } from "@/lib/form-input";
import { currentTutor } from "@/lib/auth.server";
import { exportPack, PackLibraryError } from "@/lib/pack-library.server";

export const dynamic = "force-dynamic";

export async function GET(_: Request, { params }: { params: Promise<{ id: string }> }) {
  const tutor = await currentTutor();
  if (!tutor) return new Response("Sign in first.", { status: 401 });
  const id = recordId.safeParse((await params).id);
  if (!id.success) return new Response("Pack not found.", { status: 404 });
  try {
    const { fileName, yaml } = await exportPack(tutor.id, id.data);
    return new Response(yaml, {
      headers: {
        "content-type": "application/yaml; charset=utf-8",
        "content-disposition": `attachment; filename="${fileName}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    if (error instanceof PackLibraryError) return new Response("Pack not found.", { status: 404 });
    throw error;
  }
}

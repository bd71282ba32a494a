import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth.server";
import { checkedAuthRequest } from "./request";

async function handler(req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }) {
  const options = authOptions();
  const passwordProviders = new Set(options.providers.filter((p) => p.type === "credentials").map((p) => p.id));
  const checked = await checkedAuthRequest(req, (await ctx.params).nextauth, passwordProviders);
  if (checked instanceof Response) return checked;
  return NextAuth(options)(checked, ctx);
}

export { handler as GET, handler as POST };

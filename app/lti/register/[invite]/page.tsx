// LTI Dynamic Registration: the platform opens this page (the one-time link an administrator
// made on /admin/lti) with its OpenID configuration and a registration token. Registering
// happens here, once; the page says what came of it. See lib/lti-registration.server.ts.
import type { Metadata } from "next";
import { z } from "zod";
import { LtiRegistrationDone } from "@/components/LtiRegistrationDone";
import { registerDynamically } from "@/lib/lti-registration.server";
import { LtiRegistrationError } from "@/lib/lti.server";
import { publicBaseUrl } from "@/lib/public-url.server";

export const metadata: Metadata = { title: "Registering Weigh In" };
export const dynamic = "force-dynamic";

export default async function DynamicRegistrationPage({
  params,
  searchParams,
}: {
  params: Promise<{ invite: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const invite = z.string().min(20).max(100).safeParse((await params).invite);
  let outcome: { ok: true; name: string; clientId: string; deployments: number } | { ok: false; message: string };
  try {
    if (!invite.success) throw new LtiRegistrationError("This registration link is not valid. Make a new one in Weigh In.");
    const platform = await registerDynamically(invite.data, await searchParams, await publicBaseUrl());
    outcome = { ok: true, name: platform.name, clientId: platform.clientId, deployments: platform.deploymentCount };
  } catch (error) {
    if (!(error instanceof LtiRegistrationError)) throw error;
    outcome = { ok: false, message: error.message };
  }
  return (
    <main id="main" className="page narrow stack">
      {outcome.ok ? (
        <>
          <h1>Weigh In is registered</h1>
          <p role="status">
            Registered with {outcome.name} (client id {outcome.clientId}).
            {outcome.deployments === 0
              ? " The platform sent no deployment id: add it on Weigh In's page for learning platforms before the first launch."
              : " Courses on this platform can now add Weigh In."}
          </p>
          <LtiRegistrationDone />
        </>
      ) : (
        <>
          <h1>Registration failed</h1>
          <p role="alert">{outcome.message}</p>
        </>
      )}
    </main>
  );
}

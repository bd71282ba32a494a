import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { TutorBar } from "@/components/TutorBar";
import { requireTutor } from "@/lib/auth.server";
import { PLATFORM_FIELDS, listPlatforms, publishedKeys, signingKey, type PlatformField } from "@/lib/lti.server";
import { publicBaseUrl } from "@/lib/public-url.server";
import { readSignedNotice } from "@/lib/signed-notice.server";
import {
  addDeploymentAction,
  createRegistrationLinkAction,
  registerPlatformAction,
  removeDeploymentAction,
  removePlatformAction,
  rotateKeysAction,
  updatePlatformAction,
} from "./actions";

export const metadata: Metadata = { title: "Learning platforms (LTI)" };
export const dynamic = "force-dynamic";

const DONE = {
  registered: "The platform is registered.",
  "deployment-added": "The deployment was added.",
  "deployment-removed": "The deployment was removed.",
  removed: "The platform was removed. Its courses' cohorts stay, and are linked again if it is registered again with the same issuer and client id.",
  updated: "",
  rotated: "A new key is published. It signs from tomorrow; the old key stays published until then.",
} as const;

/** The fields of a platform, as the forms and the confirmation of an edit name them. */
const FIELD_LABEL: Record<PlatformField, string> = {
  name: "Name (for you)",
  authUrl: "Authentication request URL",
  jwksUrl: "Public keyset URL",
  tokenUrl: "Access token URL (optional, for grades)",
  tokenAudience: "Token audience (optional: Brightspace's https://api.brightspace.com/auth/token)",
  deploymentIds: "Deployment ids (separated by spaces or commas)",
  courseOrigins: "Course site addresses that may show Weigh In in a frame (optional, https origins separated by spaces, e.g. https://school.instructure.com)",
};
const CHANGED_NAME: Record<PlatformField, string> = {
  name: "name",
  authUrl: "authentication request URL",
  jwksUrl: "public keyset URL",
  tokenUrl: "access token URL",
  tokenAudience: "token audience",
  deploymentIds: "deployment ids",
  courseOrigins: "course site addresses",
};

const searchSchema = z.object({
  done: z.enum(Object.keys(DONE) as [keyof typeof DONE, ...(keyof typeof DONE)[]]).optional(),
  error: z.string().max(400).optional(),
  sig: z.string().max(100).optional(),
  link: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/).optional(),
  platform: z.string().max(64).optional(),
  changed: z
    .string()
    .max(400)
    .transform((s) => s.split(",").filter((f): f is PlatformField => (PLATFORM_FIELDS as readonly string[]).includes(f)))
    .optional(),
});

/** What an edit changed, in words: "Test Moodle is saved: its public keyset URL and deployment ids changed." */
function updatedText(name: string | undefined, changed: PlatformField[]): string {
  const who = name ?? "The platform";
  if (changed.length === 0) return `${who}: nothing changed.`;
  const names = changed.map((f) => CHANGED_NAME[f]);
  const listed = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  return `${who} is saved: its ${listed} changed.`;
}

export default async function LtiAdminPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const tutor = await requireTutor("/admin/lti");
  if (tutor.role !== "ADMIN") notFound();
  const query = searchSchema.safeParse(await searchParams);
  const base = await publicBaseUrl();
  const [platforms, keys, signing] = await Promise.all([listPlatforms(), publishedKeys(), signingKey()]);
  const done = query.success ? query.data.done : undefined;
  const doneText =
    done === "updated" && query.success
      ? updatedText(platforms.find((p) => p.id === query.data.platform)?.name, query.data.changed ?? [])
      : done && DONE[done];
  // Only messages the app's own actions wrote (signed), never text from a link someone sent.
  const error = query.success ? readSignedNotice(query.data.error, query.data.sig) : undefined;
  const tool = [
    ["Tool URL (target link URI)", `${base}/api/lti/launch`],
    ["Login initiation URL", `${base}/api/lti/login`],
    ["Redirect URI", `${base}/api/lti/launch`],
    ["Public keyset URL", `${base}/api/lti/jwks`],
    ["Deep linking URL", `${base}/api/lti/launch`],
  ];
  return (
    <>
      <TutorBar tutor={tutor} />
      <main id="main" className="page stack">
        <h1>Learning platforms (LTI)</h1>
        {doneText && (
          <p role="status" className="notice">
            {doneText}
          </p>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <p>
          Courses in Moodle, Canvas, Blackboard or Brightspace can open Weigh In directly: a teacher is signed in and lands on
          the course&apos;s cohort, a student goes straight to the running seminar, anonymous.
        </p>

        <section className="stack" aria-labelledby="tool-heading">
          <h2 id="tool-heading">Weigh In&apos;s details for the platform</h2>
          <dl className="stack">
            {tool.map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd className="url">
                  <code>{value}</code>
                </dd>
              </div>
            ))}
          </dl>
        </section>

        <section className="stack" aria-labelledby="platforms-heading">
          <h2 id="platforms-heading">Registered platforms</h2>
          {platforms.length === 0 ? (
            <p className="muted">No platform is registered yet.</p>
          ) : (
            <ul className="pack-list">
              {platforms.map((p) => (
                <li key={p.id} className="card stack" aria-labelledby={`platform-${p.id}`}>
                  <h3 id={`platform-${p.id}`}>{p.name}</h3>
                  <ul className="facts">
                    <li>Issuer: {p.issuer}</li>
                    <li>Client id: {p.clientId}</li>
                    {p.tokenAudience && <li>Token audience: {p.tokenAudience}</li>}
                    {p.courseOrigins.length > 0 && <li>Course sites: {p.courseOrigins.join(", ")}</li>}
                    <li>
                      {p._count.contexts} course{p._count.contexts === 1 ? "" : "s"}
                    </li>
                  </ul>
                  <h4>Deployments</h4>
                  {p.deployments.length === 0 ? (
                    <p className="muted">None: every launch is refused until a deployment id is added.</p>
                  ) : (
                    <ul>
                      {p.deployments.map((d) => (
                        <li key={d.id} className="row">
                          <code>{d.deploymentId}</code>
                          <form action={removeDeploymentAction}>
                            <input type="hidden" name="platformId" value={p.id} />
                            <input type="hidden" name="deploymentId" value={d.deploymentId} />
                            <button type="submit" className="secondary" aria-label={`Remove deployment ${d.deploymentId}`}>
                              Remove
                            </button>
                          </form>
                        </li>
                      ))}
                    </ul>
                  )}
                  <form action={addDeploymentAction} className="row">
                    <input type="hidden" name="platformId" value={p.id} />
                    <div>
                      <label htmlFor={`deployment-${p.id}`}>Add a deployment id</label>
                      <input id={`deployment-${p.id}`} name="deploymentId" required maxLength={255} />
                    </div>
                    <button type="submit" className="secondary">
                      Add deployment
                    </button>
                  </form>
                  <details className="stack">
                    <summary>
                      Edit <span className="visually-hidden">{p.name}</span>
                    </summary>
                    <form action={updatePlatformAction} className="stack" aria-label={`Edit ${p.name}`}>
                      <input type="hidden" name="platformId" value={p.id} />
                      <p className="muted">
                        Issuer and client id name this registration (and its teachers&apos; accounts): for others, register a new
                        platform. Its courses keep their cohorts whatever changes here.
                      </p>
                      {(
                        [
                          ["name", p.name, true],
                          ["authUrl", p.authUrl, true],
                          ["jwksUrl", p.jwksUrl, true],
                          ["tokenUrl", p.tokenUrl ?? "", false],
                          ["tokenAudience", p.tokenAudience ?? "", false],
                          ["deploymentIds", p.deployments.map((d) => d.deploymentId).join(" "), false],
                          ["courseOrigins", p.courseOrigins.join(" "), false],
                        ] as const
                      ).map(([name, value, required]) => (
                        <div key={name} className="field">
                          <label htmlFor={`edit-${p.id}-${name}`}>{FIELD_LABEL[name]}</label>
                          <input
                            id={`edit-${p.id}-${name}`}
                            name={name}
                            defaultValue={value}
                            required={required}
                            maxLength={name === "deploymentIds" || name === "courseOrigins" ? 10000 : 2000}
                          />
                        </div>
                      ))}
                      <button type="submit">Save changes</button>
                    </form>
                  </details>
                  <form action={removePlatformAction}>
                    <input type="hidden" name="platformId" value={p.id} />
                    <button type="submit" className="danger" aria-label={`Remove platform ${p.name}`}>
                      Remove platform
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="stack card" aria-labelledby="dynamic-heading">
          <h2 id="dynamic-heading">Register by Dynamic Registration</h2>
          <p>
            Moodle 4.x and Canvas can register Weigh In themselves: make a registration link here, then paste it into the
            platform (Moodle: Manage tools › Tool URL › Add LTI Advantage; Canvas: Developer Keys › LTI Registration). The
            link works once, for an hour.
          </p>
          {query.success && query.data.link && (
            <p role="status" className="notice">
              Registration link: <code className="url" data-testid="registration-link">{`${base}/lti/register/${query.data.link}`}</code>
            </p>
          )}
          <form action={createRegistrationLinkAction}>
            <button type="submit" className="secondary">
              Make a registration link
            </button>
          </form>
        </section>

        <form action={registerPlatformAction} className="stack card" aria-labelledby="register-heading">
          <h2 id="register-heading">Register a platform by hand</h2>
          <p className="muted">
            Copy these from the platform&apos;s tool registration (Moodle: the tool&apos;s “View configuration details”; Canvas:
            the developer key and the app&apos;s deployment id). Registering again with the same issuer and client id
            updates that platform.
          </p>
          {(
            [
              ["name", "Name (for you)", "Moodle, Faculty of Health", true],
              ["issuer", "Issuer (platform id)", "https://moodle.example.ac.uk", true],
              ["clientId", "Client id", "", true],
              ["authUrl", "Authentication request URL", "https://moodle.example.ac.uk/mod/lti/auth.php", true],
              ["jwksUrl", "Public keyset URL", "https://moodle.example.ac.uk/mod/lti/certs.php", true],
              ["tokenUrl", "Access token URL (optional, for grades)", "https://moodle.example.ac.uk/mod/lti/token.php", false],
              ["tokenAudience", "Token audience (optional: Brightspace's https://api.brightspace.com/auth/token)", "", false],
            ] as const
          ).map(([name, label, placeholder, required]) => (
            <div key={name} className="field">
              <label htmlFor={`register-${name}`}>{label}</label>
              <input id={`register-${name}`} name={name} placeholder={placeholder || undefined} required={required} maxLength={2000} />
            </div>
          ))}
          <div className="field">
            <label htmlFor="register-deploymentIds">Deployment ids (separated by spaces or commas)</label>
            <input id="register-deploymentIds" name="deploymentIds" maxLength={10000} />
          </div>
          <div className="field">
            <label htmlFor="register-courseOrigins">
              Course site addresses that may show Weigh In in a frame (optional, https origins separated by spaces, e.g.
              https://school.instructure.com)
            </label>
            <input id="register-courseOrigins" name="courseOrigins" maxLength={10000} />
          </div>
          <button type="submit">Register platform</button>
        </form>

        <section className="stack" aria-labelledby="keys-heading">
          <h2 id="keys-heading">Weigh In&apos;s signing keys</h2>
          <p>
            Platforms read these from the public keyset URL. A new key is published at once and signs from the next day, so
            platforms that cache the key set never meet a key they do not know.
          </p>
          <ul>
            {keys.map((k) => (
              <li key={k.id}>
                <code>{k.id}</code>, made {k.createdAt.toISOString().slice(0, 10)}
                {k.id === signing?.id ? " (signs now)" : ""}
              </li>
            ))}
          </ul>
          <form action={rotateKeysAction}>
            <button type="submit" className="secondary">
              Rotate keys
            </button>
          </form>
        </section>
      </main>
    </>
  );
}

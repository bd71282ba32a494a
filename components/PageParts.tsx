// Pieces the tutor's pages share: a page's heading with its way back, the outcome of a form
// read from the page's address, a table's header row, and the small link buttons of a table row.
import Link from "next/link";
import type { ReactNode } from "react";

/** The page's heading, under a link back to the list it belongs to. */
export function PageHeader({ back, title }: { back: { href: string; label: string }; title: ReactNode }) {
  return (
    <>
      <p>
        <Link href={back.href}>{back.label}</Link>
      </p>
      <h1>{title}</h1>
    </>
  );
}

/**
 * What a form did, from the address it sent the tutor back to: `?done=<key>` shows that key's
 * sentence from `messages` (an unknown key shows nothing), `?error=<text>` the error.
 */
export function PageNotices({ done, error, messages }: { done?: string; error?: string; messages: Record<string, string> }) {
  const said = done && Object.hasOwn(messages, done) ? messages[done] : undefined;
  return (
    <>
      {said && (
        <p role="status" className="notice">
          {said}
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </>
  );
}

/** A table's header row: a column per name, and a last one for the row's buttons, named for screen readers only. */
export function TableHead({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((name) => (
          <th key={name} scope="col">
            {name}
          </th>
        ))}
        <th scope="col">
          <span className="visually-hidden">Actions</span>
        </th>
      </tr>
    </thead>
  );
}

/** A small link button in a table row; `hidden` tells a screen reader which row it acts on. */
export function RowLink({ href, children, hidden }: { href: string; children: ReactNode; hidden?: ReactNode }) {
  return (
    <Link className="button secondary small" href={href}>
      {children}
      {hidden && <span className="visually-hidden">{hidden}</span>}
    </Link>
  );
}

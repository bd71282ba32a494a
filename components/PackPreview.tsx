"use client";
// A scenario as the room will see it, before any seminar: the projector's stage and the phone's
// notes are the real components, fed a view like the server's; the phone's scenario and
// answer buttons are drawn here in the phone's styles.
import { useState } from "react";
import { ProjectorStage } from "@/components/ProjectorStage";
import { DiscussionNotes } from "@/components/DiscussionNotes";
import type { SeminarView } from "@/lib/realtime/protocol";

export interface PreviewScenario {
  id: string;
  title: string;
  prompt: string;
  question: string;
  discussion: string[];
  factors?: { label: string; detail?: string }[];
  questions?: string[];
}

type Moment = "WAITING" | "DISCUSSION";

function viewOf(pack: { title: string; scenarios: PreviewScenario[] }, index: number, moment: Moment, audience: "projector" | "phone"): SeminarView {
  const s = pack.scenarios[index]!;
  return {
    seminarId: "preview",
    version: 0,
    code: "PREVIEW",
    packTitle: pack.title,
    cohortName: "Preview",
    audience,
    phase: moment,
    scenarioIndex: index,
    scenarioCount: pack.scenarios.length,
    roundNumber: 1,
    scenario: { id: s.id, title: s.title, prompt: s.prompt, question: s.question },
    roundId: null,
    answered: 0,
    connected: 0,
    minResponses: 5,
    reveal: { projector: false, phones: false },
    results: null,
    withheld: null,
    discussion: moment === "DISCUSSION" ? { paragraphs: s.discussion, factors: s.factors ?? [], questions: s.questions ?? [] } : null,
    reflectiveQuestions: null,
    reasons: null,
    segmentQuestion: null,
    summary: null,
    controls: null,
    ended: false,
  };
}

export function PackPreview({ pack, headingLevel = 2 }: { pack: { title: string; scenarios: PreviewScenario[] }; headingLevel?: 2 | 3 }) {
  const [index, setIndex] = useState(0);
  const [moment, setMoment] = useState<Moment>("WAITING");
  if (pack.scenarios.length === 0) return null;
  const current = Math.min(index, pack.scenarios.length - 1);
  const phone = viewOf(pack, current, moment, "phone");
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <section className="preview stack" aria-labelledby="preview-heading">
      <Heading id="preview-heading">Preview</Heading>
      <div className="row">
        <div>
          <label htmlFor="preview-scenario">Scenario</label>
          <select id="preview-scenario" value={current} onChange={(e) => setIndex(Number(e.target.value))}>
            {pack.scenarios.map((s, i) => (
              <option key={i} value={i}>
                {i + 1}. {s.title || "(no title yet)"}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="row">
          <legend>Moment</legend>
          <label>
            <input type="radio" name="preview-moment" checked={moment === "WAITING"} onChange={() => setMoment("WAITING")} /> Before the vote
          </label>
          <label>
            <input type="radio" name="preview-moment" checked={moment === "DISCUSSION"} onChange={() => setMoment("DISCUSSION")} /> Discussion notes
          </label>
        </fieldset>
      </div>
      <div className="preview-screens">
        <figure className="preview-figure">
          <figcaption>As the projector shows it</figcaption>
          <div className="projector preview-projector" data-testid="preview-projector">
            <div className="stage">
              <ProjectorStage view={viewOf(pack, current, moment, "projector")} paging={undefined} />
            </div>
          </div>
        </figure>
        <figure className="preview-figure">
          <figcaption>As a phone shows it</figcaption>
          <div className="phone preview-phone stack" data-testid="preview-phone">
            <p className="muted">
              Scenario {current + 1} of {pack.scenarios.length}
            </p>
            <p className="prompt">{phone.scenario!.prompt}</p>
            <p className="question">{phone.scenario!.question}</p>
            {phone.discussion ? (
              <DiscussionNotes discussion={phone.discussion} heading="Discussion notes" />
            ) : (
              <div className="vote-buttons" aria-hidden="true">
                <span className="vote-button">Yes</span>
                <span className="vote-button">No</span>
              </div>
            )}
          </div>
        </figure>
      </div>
    </section>
  );
}

// What the phone shows only after joining, answering or a reveal, in one module so that it comes
// as one download after the first paint (components/PhoneSeminar.tsx loads it; docs/performance.md).
export { AnswerExtrasForm, SegmentQuestion } from "@/components/AnswerExtras";
export { Breakdowns } from "@/components/Breakdowns";
export { DiscussionNotes } from "@/components/DiscussionNotes";
export { LtiPhoneLost } from "@/components/LtiPhoneLost";
export { ReasonList } from "@/components/ReasonList";
export { ResultsChart } from "@/components/ResultsChart";
export { SeminarSummary } from "@/components/SeminarSummary";

// Lighthouse (mobile: a mid-tier phone on slow 4G, simulated throttling) on the two pages a
// student's phone loads: performance at least 95, accessibility and best practices 100. Scores,
// the main timings and the CPU calibration are written to the log. Runs in Debian's Chromium,
// started on its own, while nothing else in the suite runs (one Playwright worker).
//
// CPU: Lighthouse slows the CPU 4× by default, calibrated for a high-end desktop (benchmark index
// 1,500–2,000 in its throttling docs), so that the page runs as on a mid-tier phone. A CI machine
// shared with other jobs is much slower than that, and 4× on top would emulate a far slower phone
// than intended. So the multiplier is set as Lighthouse's docs advise, from the benchmark index
// Lighthouse measures on this machine at this moment: 4 × index / 1,750 (the same mid-tier phone),
// never above Lighthouse's default of 4 and never below 1 (no throttling: the machine is then
// itself slower than the phone, and the score errs on the strict side).
import { existsSync } from "node:fs";
import * as chromeLauncher from "chrome-launcher";
import lighthouse, { defaultConfig } from "lighthouse";
import { expect, test } from "./fixtures";

const chromePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

const DEFAULT_MULTIPLIER = 4;
/** The middle of the high-end desktop range that the default multiplier is calibrated for. */
const HIGH_END_DESKTOP_INDEX = 1750;

const MIN = { performance: 95, accessibility: 100, "best-practices": 100 } as const;
type Category = keyof typeof MIN;

/**
 * Lighthouse's own advice for a score that varies from run to run: the median of several runs.
 * A page whose first run passes is not run again; otherwise runs are added (up to 5) until the
 * median passes or there are no more.
 */
const RUNS_WHEN_LOW = 5;

interface Run {
  benchmarkIndex: number;
  scores: Record<Category, number>;
  metrics: string;
  failed: string[];
}

async function audit(url: string, port: number, cpuSlowdownMultiplier: number): Promise<Run> {
  const result = await lighthouse(url, {
    port,
    output: "json",
    logLevel: "error",
    onlyCategories: Object.keys(MIN),
    formFactor: "mobile",
    throttlingMethod: "simulate",
    throttling: { ...MOBILE_SLOW_4G, cpuSlowdownMultiplier },
  });
  const lhr = result!.lhr;
  const scores = Object.fromEntries(Object.keys(MIN).map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)])) as Record<Category, number>;
  const metric = (id: string) => lhr.audits[id]?.displayValue ?? "?";
  const metrics = `FCP ${metric("first-contentful-paint")}, LCP ${metric("largest-contentful-paint")}, TBT ${metric("total-blocking-time")}, CLS ${metric("cumulative-layout-shift")}, SI ${metric("speed-index")}`;
  // Every audit of the two all-or-nothing categories that did not pass, by name.
  const failed = (["accessibility", "best-practices"] as const).flatMap((c) =>
    (lhr.categories[c]?.auditRefs ?? [])
      .filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1)
      .map((ref) => `${c}: ${ref.id} (${lhr.audits[ref.id]?.title}): ${JSON.stringify((lhr.audits[ref.id]?.details as { items?: unknown } | undefined)?.items ?? "").slice(0, 600)}`),
  );
  return { benchmarkIndex: lhr.environment.benchmarkIndex, scores, metrics, failed };
}

/** Lighthouse's default mobile network (slow 4G) and its default CPU settings. */
const MOBILE_SLOW_4G = defaultConfig.settings!.throttling!;

const calibrated = (benchmarkIndex: number) =>
  Math.round(Math.min(DEFAULT_MULTIPLIER, Math.max(1, (DEFAULT_MULTIPLIER * benchmarkIndex) / HIGH_END_DESKTOP_INDEX)) * 10) / 10;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

test("Lighthouse on the phone pages: performance ≥ 95, accessibility and best practices 100", async ({ tutor, baseURL }) => {
  test.setTimeout(300_000);
  const seminar = await tutor.startSeminar();
  const chrome = await chromeLauncher.launch({
    chromePath,
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    // Calibration: one run at the default multiplier measures this machine's benchmark index now.
    const probe = await audit(`${baseURL}/join`, chrome.port, DEFAULT_MULTIPLIER);
    const multiplier = calibrated(probe.benchmarkIndex);
    console.log(`lighthouse: benchmark index ${probe.benchmarkIndex} → CPU slowdown ${multiplier}× (default ${DEFAULT_MULTIPLIER}× at ${HIGH_END_DESKTOP_INDEX})`);
    for (const [what, path] of [
      ["/join", "/join"],
      ["/j/<code>", `/j/${seminar.code}`],
    ] as const) {
      const run = () => audit(`${baseURL}${path}`, chrome.port, multiplier);
      const runs = [await run()];
      // An odd number of runs, so that the median is one of them.
      while ((runs.length % 2 === 0 || median(runs.map((r) => r.scores.performance)) < MIN.performance) && runs.length < RUNS_WHEN_LOW)
        runs.push(await run());
      const performance = median(runs.map((r) => r.scores.performance));
      for (const [i, run] of runs.entries()) {
        console.log(
          `lighthouse ${what}${runs.length > 1 ? ` run ${i + 1}/${runs.length}` : ""}: performance ${run.scores.performance}, ` +
            `accessibility ${run.scores.accessibility}, best practices ${run.scores["best-practices"]} (${run.metrics}; benchmark index ${run.benchmarkIndex})` +
            run.failed.map((f) => `\n  not passed: ${f}`).join(""),
        );
      }
      if (runs.length > 1) console.log(`lighthouse ${what}: median performance ${performance} of ${runs.length} runs`);
      expect(performance, `Lighthouse performance on ${what}`).toBeGreaterThanOrEqual(MIN.performance);
      for (const run of runs) {
        expect(run.failed, `Lighthouse audits not passed on ${what}`).toEqual([]);
        expect(run.scores.accessibility, `Lighthouse accessibility on ${what}`).toBe(MIN.accessibility);
        expect(run.scores["best-practices"], `Lighthouse best practices on ${what}`).toBe(MIN["best-practices"]);
      }
    }
  } finally {
    chrome.kill();
  }
});

// The benchmark's command line: what `npm run bench -- --help` prints, parsed and checked.
import { parseArgs } from "node:util";

export const USAGE = `Usage: npm run bench -- [options]

  --phones N            simulated phones (default 100)
  --runs R              run the whole benchmark R times, each on a fresh database and server, and
                        report the median and the worst run of every figure (default 3)
  --burst-seconds S     spread the first burst of votes (one per phone) over S seconds (default 1)
  --change-seconds S    spread the second burst (every phone changes its answer) over S seconds
                        (default: same as --burst-seconds)
  --rate R              sustained phase: R votes per second offered in total, phones taking turns
                        and changing their answer each time (default min(2500, 2.5 x phones): above
                        the 2,000 votes/s target, so that the accepted rate shows what the server
                        manages; raise it to find the ceiling)
  --sustain-seconds T   length of the sustained phase (default 10; 0 skips it)
  --overlap             sustained phase: a phone sends its next answer on time even if the previous
                        one is not acknowledged yet (default: it waits, like a person tapping)
  --restart             after the sustained phase: kill the server (SIGKILL) while every phone is
                        sending a new answer, start it again, and measure how soon each pending
                        answer is acknowledged after the server is ready
  --page-load           the join storm as a class lives it: each phone first loads the join page
                        (/j/<code>) and every script and style it names over HTTP, then joins;
                        "all phones joined" is then from the first request to the last join
  --factors             vote on the pack's first scenario with factors to tick (the seed pack's
                        colleague scenario, eight factors) and send a random subset of them with
                        every vote (default: the first scenario, plain Yes/No)
  --reasons             with --factors: every vote also carries a short reason
  --workers W           phone processes (default ceil(N / 2500): one up to 2,500 phones, so that
                        on a 2-core machine the phones take one core at most and leave the server
                        the other, as phones on their own network would)
  --join-concurrency C  phones joining at once per worker (default 100)
  --ws-client lean|ws   the phones' WebSocket under the socket.io client: a lean one over plain TCP,
                        as a browser brings its own (default), or the \`ws\` package over Node's
                        HTTP client, which costs the load client about as much CPU per connection
                        as the server spends (both share this machine's cores)
  --ack-timeout MS      a vote without acknowledgement after MS is counted as an error (default 30000)
  --seed N              seed for the random Yes/No answers (default 1)
  --skip-build          do not run \`next build\` even if sources changed (the vote path does not
                        use the build: server.ts loads lib/ from source)
  --cpu-prof            run the server under --cpu-prof and print where its CPU time went
  --json                end with one line of JSON (see docs/performance.md)
  --help

  DATABASE_URL set: a fresh database on that PostgreSQL server (created and dropped).
  DATABASE_URL unset: the embedded database (PGlite in its own process) in a temporary directory.`;

export interface Options {
  phones: number;
  runs: number;
  burstSeconds: number;
  changeSeconds: number;
  rate: number;
  sustainSeconds: number;
  overlap: boolean;
  restart: boolean;
  pageLoad: boolean;
  factors: boolean;
  reasons: boolean;
  workers: number;
  joinConcurrency: number;
  wsClient: "lean" | "ws";
  ackTimeoutMs: number;
  seed: number;
  skipBuild: boolean;
  cpuProf: boolean;
  json: boolean;
}

export class UsageError extends Error {}

export function parseOptions(argv: string[]): Options | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      phones: { type: "string" },
      runs: { type: "string" },
      "burst-seconds": { type: "string" },
      "change-seconds": { type: "string" },
      rate: { type: "string" },
      "sustain-seconds": { type: "string" },
      overlap: { type: "boolean", default: false },
      restart: { type: "boolean", default: false },
      "page-load": { type: "boolean", default: false },
      factors: { type: "boolean", default: false },
      reasons: { type: "boolean", default: false },
      workers: { type: "string" },
      "join-concurrency": { type: "string" },
      "ws-client": { type: "string", default: "lean" },
      "ack-timeout": { type: "string" },
      seed: { type: "string" },
      "skip-build": { type: "boolean", default: false },
      "cpu-prof": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) return "help";
  const num = (name: string, raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) throw new UsageError(`--${name} must be a number >= ${min}, got "${raw}"`);
    return value;
  };
  const phones = Math.floor(num("phones", values.phones, 100, 1));
  const burstSeconds = num("burst-seconds", values["burst-seconds"], 1, 0);
  const wsClient = values["ws-client"];
  if (wsClient !== "lean" && wsClient !== "ws") throw new UsageError(`--ws-client must be lean or ws, got "${wsClient}"`);
  if (values.reasons && !values.factors) throw new UsageError("--reasons goes with --factors (the scenario that asks for them)");
  return {
    phones,
    runs: Math.floor(num("runs", values.runs, 3, 1)),
    burstSeconds,
    changeSeconds: num("change-seconds", values["change-seconds"], burstSeconds, 0),
    rate: num("rate", values.rate, Math.min(2500, 2.5 * phones), 0),
    sustainSeconds: num("sustain-seconds", values["sustain-seconds"], 10, 0),
    overlap: values.overlap,
    restart: values.restart,
    pageLoad: values["page-load"],
    factors: values.factors,
    reasons: values.reasons,
    workers: Math.floor(num("workers", values.workers, Math.ceil(phones / 2500), 1)),
    joinConcurrency: Math.floor(num("join-concurrency", values["join-concurrency"], 100, 1)),
    wsClient,
    ackTimeoutMs: num("ack-timeout", values["ack-timeout"], 30_000, 100),
    seed: Math.floor(num("seed", values.seed, 1, 0)),
    skipBuild: values["skip-build"],
    cpuProf: values["cpu-prof"],
    json: values.json,
  };
}

/** The options again as arguments, for a run in a process of its own. */
export function toArgs(options: Options): string[] {
  return [
    `--phones=${options.phones}`,
    `--burst-seconds=${options.burstSeconds}`,
    `--change-seconds=${options.changeSeconds}`,
    `--rate=${options.rate}`,
    `--sustain-seconds=${options.sustainSeconds}`,
    `--workers=${options.workers}`,
    `--join-concurrency=${options.joinConcurrency}`,
    `--ws-client=${options.wsClient}`,
    `--ack-timeout=${options.ackTimeoutMs}`,
    `--seed=${options.seed}`,
    ...(options.overlap ? ["--overlap"] : []),
    ...(options.restart ? ["--restart"] : []),
    ...(options.pageLoad ? ["--page-load"] : []),
    ...(options.factors ? ["--factors"] : []),
    ...(options.reasons ? ["--reasons"] : []),
    ...(options.cpuProf ? ["--cpu-prof"] : []),
  ];
}

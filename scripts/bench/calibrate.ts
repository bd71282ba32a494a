// How fast this machine is at the two kinds of work a phone's join costs the server, measured
// before each run while nothing of the benchmark is running: a message over a loopback TCP
// connection and back (system calls, the event loop, the kernel's network path), and a fixed
// piece of JavaScript (small JSON documents and hashes, as a websocket handshake and a socket.io
// packet need). Machines of one type differ by more than a target's margin from day to day; these
// two figures let runs on different days be compared.
import { createHash } from "node:crypto";
import { createServer, connect, type AddressInfo, type Socket } from "node:net";
import { median } from "./stats";

export interface MachineSpeed {
  /** One 16-byte message to a loopback TCP peer and its echo back, microseconds (median of 5 sets). */
  loopbackRoundTripUs: number;
  /** The fixed JavaScript task, milliseconds (median of 5). */
  jsTaskMs: number;
}

const ROUND_TRIPS = 2_000;
const SETS = 5;

async function loopbackRoundTripUs(): Promise<number> {
  const server = createServer((socket) => socket.on("data", (data) => socket.write(data)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client: Socket = connect({ port, host: "127.0.0.1", noDelay: true });
  await new Promise<void>((resolve, reject) => client.once("connect", resolve).once("error", reject));
  const message = Buffer.alloc(16, 1);
  const sets: number[] = [];
  try {
    for (let set = 0; set < SETS; set++) {
      const started = process.hrtime.bigint();
      await new Promise<void>((resolve) => {
        let left = ROUND_TRIPS;
        let pending = 0;
        const onData = (data: Buffer) => {
          pending -= data.length;
          if (pending > 0) return;
          if (--left === 0) {
            client.off("data", onData);
            return resolve();
          }
          pending = message.length;
          client.write(message);
        };
        client.on("data", onData);
        pending = message.length;
        client.write(message);
      });
      sets.push(Number(process.hrtime.bigint() - started) / 1_000 / ROUND_TRIPS);
    }
  } finally {
    client.destroy();
    server.close();
  }
  return median(sets);
}

function jsTaskMs(): number {
  const runs: number[] = [];
  let sink = 0;
  for (let run = 0; run < SETS; run++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 5_000; i++) {
      const packet = JSON.stringify({ code: "ABC234", token: `t${i}`.padEnd(32, "x"), view: { phase: "VOTING", roundId: `r${i}`, scenarioIndex: i % 7 } });
      const parsed = JSON.parse(packet) as { token: string };
      sink += createHash("sha1").update(parsed.token).digest("base64").length;
    }
    runs.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  if (sink < 0) console.log(sink); // keeps the work from being optimised away
  return median(runs);
}

export async function measureMachineSpeed(): Promise<MachineSpeed> {
  const jsTask = jsTaskMs();
  return { loopbackRoundTripUs: await loopbackRoundTripUs(), jsTaskMs: jsTask };
}

// `npm start`: build the web app if needed, then serve it in production mode.
import { buildIfStale } from "./build-if-stale";
import { runServer } from "./run-server";

buildIfStale();
const child = runServer({ ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" });
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

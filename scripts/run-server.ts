// Starts server.ts in a child process and passes on signals, so wrappers can clean up after it.
import { spawn, type ChildProcess } from "node:child_process";

export function runServer(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { stdio: "inherit", env });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  return child;
}

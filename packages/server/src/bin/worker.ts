// `npm run worker`: consumes the federation queue and the domain events; serves no HTTP.
import { runProcess } from "../process.ts";

await runProcess("worker");

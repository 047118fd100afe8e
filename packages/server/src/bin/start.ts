// `npm start`: the web server and the queue worker in one process.
import { runProcess } from "../process.ts";

await runProcess("all");

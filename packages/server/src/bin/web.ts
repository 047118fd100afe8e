// `npm run web`: HTTP only; deliveries and inbox processing are left to `npm run worker`.
import { runProcess } from "../process.ts";

await runProcess("web");

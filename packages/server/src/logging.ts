// One log stream: pino for our HTTP layer, with LogTape (Fedify's logger, and ours in
// packages/federation) forwarded into the same pino logger as structured records.

import { inspect } from "node:util";
import { configureSync, type LogLevel, type LogRecord } from "@logtape/logtape";
import pino, { type Logger } from "pino";
import type { Config } from "./config.ts";

const LOGTAPE_LEVEL: Record<Config["logLevel"], LogLevel | null> = {
  fatal: "fatal",
  error: "error",
  warn: "warning",
  info: "info",
  debug: "debug",
  trace: "trace",
  silent: null,
};

function renderMessage(record: LogRecord): string {
  return record.message.map((part, i) => (i % 2 === 0 ? String(part) : inspect(part, { depth: 2 }))).join("");
}

export function createLogger(level: Config["logLevel"]): Logger {
  const logger = pino({ level });
  const lowestLevel = LOGTAPE_LEVEL[level];
  configureSync({
    reset: true,
    sinks: {
      pino: (record: LogRecord) => {
        const method = record.level === "warning" ? "warn" : record.level;
        const { error, ...properties } = record.properties as { error?: unknown } & Record<string, unknown>;
        logger[method]({ category: record.category.join("."), ...properties, err: error }, renderMessage(record));
      },
    },
    loggers: [
      { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
      ...(lowestLevel
        ? [
            { category: ["fedify"], sinks: ["pino"], lowestLevel },
            { category: ["plenum"], sinks: ["pino"], lowestLevel },
          ]
        : []),
    ],
  });
  return logger;
}

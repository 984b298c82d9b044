import { createRequire as __wmCreateRequire } from 'node:module'; const require = __wmCreateRequire(import.meta.url);
import {
  info,
  readConfig,
  warning
} from "./chunks/chunk-FM5SANY6.js";

// src/post.ts
try {
  readConfig(process.env);
  info("Watchmaker post: nothing to save.");
} catch (e) {
  warning(`Watchmaker post step: ${e.message}`);
}

import { createRequire as __wmCreateRequire } from 'node:module'; const require = __wmCreateRequire(import.meta.url);
import {
  endWhenDone,
  isEntryPoint,
  runStep
} from "./chunks/chunk-PZ7TT4PG.js";
import "./chunks/chunk-WWVWMOGC.js";

// src/main.ts
var run = () => runStep("main", () => import("./chunks/main-ENV52JQJ.js"));
if (isEntryPoint(import.meta.url)) await endWhenDone(run());
export {
  run
};

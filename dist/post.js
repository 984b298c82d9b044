import { createRequire as __wmCreateRequire } from 'node:module'; const require = __wmCreateRequire(import.meta.url);
import {
  endWhenDone,
  isEntryPoint,
  runStep
} from "./chunks/chunk-PZ7TT4PG.js";
import "./chunks/chunk-WWVWMOGC.js";

// src/post.ts
var run = () => runStep("post", () => import("./chunks/post-F4L7OCOP.js"));
if (isEntryPoint(import.meta.url)) await endWhenDone(run());
export {
  run
};
